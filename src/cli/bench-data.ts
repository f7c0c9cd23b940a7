// `parqex bench-data`: fills the configured database (SQLite or DATABASE_URL)
// with generated, seeded data for benchmarks (store/repositories/bench-data.ts),
// and says what it wrote and how long it took. Never in production.
import { parseArgs } from 'node:util';
import { DomainError } from '../access/errors.ts';
import type { Config } from '../config.ts';
import { createBox } from '../security/encryption.ts';
import { gatherStatistics, writeBenchData, type BenchDataOptions } from '../store/repositories/bench-data.ts';
import { listClients } from '../store/repositories/clients.ts';
import { findPersonByEmail } from '../store/repositories/people.ts';
import { withDatabase } from './with-database.ts';
import { wholeNumber } from './whole-number.ts';

const counts = { controllers: 100_000, people: 10_000_000, 'doors-per-person': 10_000, grants: 10_000_000, events: 1_000_000_000 } as const;

export async function benchDataCommand(config: Config, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      controllers: { type: 'string' },
      people: { type: 'string' },
      'doors-per-person': { type: 'string' },
      grants: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      days: { type: 'string' },
      admin: { type: 'string' },
      'share-with': { type: 'string' },
      'client-id': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (config.env === 'production') throw new DomainError('invalid', 'bench data is never written to a production database');
  const count = (name: keyof typeof counts) => {
    const raw = values[name];
    return raw === undefined ? 0 : wholeNumber(raw, `--${name}`, 0, counts[name]);
  };
  const options = {
    seed: values.seed === undefined ? 1 : wholeNumber(values.seed, '--seed', 0, 1_000_000),
    controllers: count('controllers'),
    people: count('people'),
    doorsPerPerson: count('doors-per-person'),
    grants: count('grants'),
    events: count('events'),
    days: values.days === undefined ? 365 : wholeNumber(values.days, '--days', 1, 36_500),
    until: Math.floor(Date.now() / 1000),
  };
  return withDatabase(config, async (db, engine) => {
    const personOf = async (email: string | undefined, option: string) => {
      if (email === undefined) return undefined;
      const person = await findPersonByEmail(db, email.trim().toLowerCase());
      if (!person) throw new DomainError('not_found', `${option}: no person with the email ${email.trim()}`);
      return person.id;
    };
    const clientId = values['client-id'] ?? (await listClients(db))[0]?.client_id;
    if (options.grants > 0 && clientId === undefined) throw new DomainError('invalid', '--grants needs an application: create one first or pass --client-id');
    const full: BenchDataOptions = {
      ...options,
      adminPersonId: await personOf(values.admin, '--admin'),
      sharedWithPersonId: await personOf(values['share-with'], '--share-with'),
      clientId: clientId ?? '',
    };
    const began = performance.now();
    let written;
    try {
      written = await writeBenchData(db, createBox(config.secrets.encryptionKey), full, (table, rows) => {
        if (!values.json) process.stderr.write(`  ${table}: ${rows.toLocaleString('en-US')}\n`);
      });
      await gatherStatistics(db, engine);
    } catch (error) {
      if (error instanceof RangeError) throw new DomainError('invalid', error.message);
      throw error;
    }
    const seconds = Math.round((performance.now() - began) / 100) / 10;
    const out = { seed: options.seed, ...written, seconds };
    process.stdout.write(values.json
      ? `${JSON.stringify(out)}\n`
      : `${Object.entries(out).map(([name, value]) => `${name.padEnd(12)}${value.toLocaleString('en-US')}`).join('\n')}\n`);
  });
}
