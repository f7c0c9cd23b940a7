// `parqex clients approve`: the platform's approval of a production application
// made in the developer console, through the real command.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApplication } from '../src/access/developer-apps.ts';
import { openDatabase } from '../src/store/dialect.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { assertRefused, cli } from './helpers/cli.ts';
import { createDeveloperPerson } from './helpers/developers.ts';

describe('parqex clients approve', () => {
  it('approves a pending production application once; a second approval exits 2, an unknown id 3', async (t) => {
    const { json, run, dataDir } = cli(t);
    json(['clients', 'list']);
    const { db } = openDatabase({ databaseUrl: undefined, sqlitePath: join(dataDir, 'parqex.sqlite') });
    let clientId: string;
    try {
      await migrateToLatest(db, 'sqlite');
      const dana = await createDeveloperPerson(db, 'Dana');
      clientId = (await createApplication(db, { apiHost: 'localhost', production: false }, dana.id, {
        name: 'Acme', contact_email: 'dana@acme.example', redirect_uris: 'https://acme.example/cb', environment: 'production',
      })).client_id;
    } finally {
      await db.destroy();
    }
    const listed = json<{ client_id: string; approval: string; owner_id: string | null }[]>(['clients', 'list']);
    assert.equal(listed.find((client) => client.client_id === clientId)?.approval, 'pending');
    assert.deepEqual(json(['clients', 'approve', clientId]), { client_id: clientId, approval: 'approved' });
    assert.equal(json<{ approval: string }>(['clients', 'show', clientId]).approval, 'approved');
    const text = run(['clients', 'list']);
    assert.match(text.stdout, new RegExp(`${clientId.replace('.', '\\.')}\\s+confidential\\s+production\\s+approved\\s+Acme`));
    assertRefused(run(['clients', 'approve', clientId, '--json']), 2, /approved already/);
    assertRefused(run(['clients', 'approve', '123456789012345678.localhost', '--json']), 3);
    assertRefused(run(['clients', 'approve', '--json']), 2, /CLIENT_ID is required/);
  });
});
