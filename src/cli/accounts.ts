// `parqex accounts create --name N --admin EMAIL [--time-zone ZONE]`: the
// operator's way to open an account for a person who already has a login
// (A.8); the web's is /accounts/new.
import { parseArgs } from 'node:util';
import { createAccountForEmail } from '../access/create-account.ts';
import { DomainError } from '../access/errors.ts';
import type { Config } from '../config.ts';
import { withDatabase } from './with-database.ts';

export async function accountsCommand(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      admin: { type: 'string' },
      'time-zone': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [action] = positionals;
  if (action !== 'create') throw new DomainError('invalid', `unknown accounts action: ${action ?? '(none)'}; use create`);
  if (!values.name) throw new DomainError('invalid', '--name is required');
  if (!values.admin) throw new DomainError('invalid', '--admin EMAIL is required');
  const { name, admin } = values;
  return withDatabase(config, async (db) => {
    const created = await createAccountForEmail(db, admin, { name, timeZone: values['time-zone'] }, Math.floor(Date.now() / 1000));
    const out = { account_id: created.accountId, name: name.trim(), time_zone: created.timeZone, admin_person_id: created.personId };
    process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `account_id  ${out.account_id}\nname        ${out.name}\ntime_zone   ${out.time_zone}\nadmin       ${admin.trim().toLowerCase()}\n`);
  });
}
