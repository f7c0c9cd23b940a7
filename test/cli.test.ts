// Drives the real `parqex` command as a child process, against SQLite in a
// fresh data dir per test (harness in test/helpers/cli.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashSecret } from '../src/security/secrets.ts';
import { assertRefused, cli, databaseBytes, production } from './helpers/cli.ts';

const noStackTrace = /at .*\.ts:\d+/;

interface Issued {
  client_id: string;
  client_secret?: string;
}

type ClientView = Record<string, unknown> & { client_id: string };

const demo = ['--name', 'Demo', '--redirect-uri', 'https://a.example/cb', '--redirect-uri', 'https://b.example/cb'];

function assertNoSecretFields(client: Record<string, unknown>, secrets: string[]): void {
  for (const key of Object.keys(client)) {
    assert.ok(!/hash/i.test(key) && key !== 'client_secret' && key !== 'secret', `a client view has the field ${key}`);
  }
  const text = JSON.stringify(client);
  for (const secret of secrets) assert.ok(!text.includes(secret), 'a client view contains a secret or its hash');
}

describe('parqex clients create', () => {
  it('prints exactly client_id and client_secret, and stores only the hash of the secret', (t) => {
    const { json, dataDir } = cli(t);
    const issued = json<Issued>(['clients', 'create', ...demo]);
    assert.deepEqual(Object.keys(issued), ['client_id', 'client_secret']);
    assert.match(issued.client_id, /^\d{18}\.localhost$/);
    assert.match(issued.client_secret!, /^[A-Za-z0-9_-]+$/);
    assert.ok(issued.client_secret!.length >= 32, `secret of ${issued.client_secret!.length} characters`);

    const bytes = databaseBytes(dataDir);
    assert.ok(bytes.includes(issued.client_id), 'the client is in the database');
    assert.ok(!bytes.includes(issued.client_secret!), 'the database holds the client secret in clear');
    assert.ok(bytes.includes(hashSecret(issued.client_secret!)), 'the database holds the hash of the secret');
  });

  it('prints the id, the secret and the warning that it is shown once without --json', (t) => {
    const { run } = cli(t);
    const result = run(['clients', 'create', ...demo]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^client_id {6}\d{18}\.localhost\nclient_secret {2}[A-Za-z0-9_-]{32,}\nStore the secret now: it is shown once and kept only as a hash\.\n$/);
  });

  it('prints no client_secret for --type public', (t) => {
    const { json } = cli(t);
    const issued = json<Issued>(['clients', 'create', ...demo, '--type', 'public']);
    assert.deepEqual(Object.keys(issued), ['client_id']);
    assert.match(issued.client_id, /^\d{18}\.localhost$/);
  });

  describe('refuses bad input with exit 2, a message and no stack trace', () => {
    const cases: [string, string[], RegExp][] = [
      ['a missing --name', ['clients', 'create', '--redirect-uri', 'https://a.example/cb'], /--name is required/],
      ['no --redirect-uri', ['clients', 'create', '--name', 'Demo'], /at least one redirect URI/],
      ['--redirect-uri not-a-url', ['clients', 'create', '--name', 'Demo', '--redirect-uri', 'not-a-url'], /redirect URI "not-a-url": is not an absolute URI/],
      ['--type weird', ['clients', 'create', ...demo, '--type', 'weird'], /--type must be confidential or public/],
      ['--environment staging', ['clients', 'create', ...demo, '--environment', 'staging'], /--environment must be development, certification or production/],
      ['an unknown option --bogus', ['clients', 'create', ...demo, '--bogus'], /--bogus/],
      ['an unknown clients action', ['clients', 'frobnicate'], /unknown clients action: frobnicate/],
      ['an unknown command', ['frobnicate'], /unknown command: frobnicate/],
    ];
    for (const [label, args, message] of cases) {
      it(`[${label}]`, (t) => {
        const { run } = cli(t);
        const result = run(args);
        assert.equal(result.status, 2, `expected exit 2, got ${result.status}; stderr: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.doesNotMatch(result.stderr, noStackTrace);
        assert.equal(result.stdout, '');
      });
    }
  });
});

describe('parqex clients list, show, rotate-secret and delete', () => {
  it('lists both clients and shows one without its secret or hash', (t) => {
    const { json } = cli(t);
    const confidential = json<Issued>(['clients', 'create', ...demo, '--environment', 'certification', '--first-party']);
    const pub = json<Issued>(['clients', 'create', '--name', 'Mobile', '--redirect-uri', 'com.example.app:/oauth', '--type', 'public']);
    const secretForms = [confidential.client_secret!, hashSecret(confidential.client_secret!)];

    const list = json<ClientView[]>(['clients', 'list']);
    assert.ok(Array.isArray(list));
    assert.deepEqual(list.map((c) => c.client_id).sort(), [confidential.client_id, pub.client_id].sort());
    for (const client of list) assertNoSecretFields(client, secretForms);

    const shown = json<ClientView>(['clients', 'show', confidential.client_id]);
    assert.equal(shown.client_id, confidential.client_id);
    assert.equal(shown.name, 'Demo');
    assert.deepEqual(shown.redirect_uris, ['https://a.example/cb', 'https://b.example/cb']);
    assert.equal(shown.type, 'confidential');
    assert.equal(shown.environment, 'certification');
    assert.equal(shown.first_party, true);
    assert.equal(shown.has_secret, true);
    assertNoSecretFields(shown, secretForms);

    const shownPublic = json<ClientView>(['clients', 'show', pub.client_id]);
    assert.equal(shownPublic.name, 'Mobile');
    assert.deepEqual(shownPublic.redirect_uris, ['com.example.app:/oauth']);
    assert.equal(shownPublic.type, 'public');
    assert.equal(shownPublic.environment, 'development');
    assert.equal(shownPublic.first_party, false);
    assert.equal(shownPublic.has_secret, false);
    assertNoSecretFields(shownPublic, secretForms);
  });

  it('rotate-secret returns a new secret and stores only its hash', (t) => {
    const { json, dataDir } = cli(t);
    const issued = json<Issued>(['clients', 'create', ...demo]);
    const rotated = json<Issued>(['clients', 'rotate-secret', issued.client_id]);
    assert.deepEqual(Object.keys(rotated), ['client_id', 'client_secret']);
    assert.equal(rotated.client_id, issued.client_id);
    assert.match(rotated.client_secret!, /^[A-Za-z0-9_-]{32,}$/);
    assert.notEqual(rotated.client_secret, issued.client_secret);

    const bytes = databaseBytes(dataDir);
    assert.ok(!bytes.includes(rotated.client_secret!), 'the database holds the new secret in clear');
    assert.ok(bytes.includes(hashSecret(rotated.client_secret!)));
    assert.equal(typeof json<ClientView>(['clients', 'show', issued.client_id]).secret_rotated_at, 'number');
  });

  it('rotate-secret refuses a public client (exit 2) and an unknown id (exit 3)', (t) => {
    const { json, run } = cli(t);
    const pub = json<Issued>(['clients', 'create', ...demo, '--type', 'public']);
    assertRefused(run(['clients', 'rotate-secret', pub.client_id, '--json']), 2, /public client: it has no secret/);
    assertRefused(run(['clients', 'rotate-secret', '123456789012345678.localhost', '--json']), 3);
  });

  it('delete removes the client: show then exits 3, and a second delete exits 3', (t) => {
    const { json, run } = cli(t);
    const issued = json<Issued>(['clients', 'create', ...demo]);
    assert.deepEqual(json(['clients', 'delete', issued.client_id]), { deleted: issued.client_id });
    assertRefused(run(['clients', 'show', issued.client_id, '--json']), 3, new RegExp(`no client ${issued.client_id.replace('.', '\\.')}`));
    assertRefused(run(['clients', 'delete', issued.client_id]), 3);
    assert.deepEqual(json(['clients', 'list']), []);
  });

  it('show without a CLIENT_ID exits 2 and says it is required', (t) => {
    const { run } = cli(t);
    assertRefused(run(['clients', 'show']), 2, /CLIENT_ID is required/);
  });
});

describe('parqex clients import', () => {
  const legacyId = '555555555555555555.api.parqex.com';
  const legacySecret = 'Legacy_secret-0123456789abcdef';
  const legacy = ['clients', 'import', '--client-id', legacyId, '--client-secret', legacySecret, '--name', 'Legacy', '--redirect-uri', 'https://legacy.example/cb'];

  it('takes the id and secret verbatim, keeps only the hash, and refuses the same id again with exit 2', (t) => {
    const { json, run, dataDir } = cli(t);
    assert.deepEqual(json(legacy), { client_id: legacyId });

    const shown = json<ClientView>(['clients', 'show', legacyId]);
    assert.equal(shown.name, 'Legacy');
    assert.deepEqual(shown.redirect_uris, ['https://legacy.example/cb']);
    assert.equal(shown.type, 'confidential');
    assertNoSecretFields(shown, [legacySecret, hashSecret(legacySecret)]);

    const bytes = databaseBytes(dataDir);
    assert.ok(!bytes.includes(legacySecret), 'the database holds the imported secret in clear');
    assert.ok(bytes.includes(hashSecret(legacySecret)));

    assertRefused(run([...legacy, '--json']), 2, new RegExp(`client ${legacyId.replaceAll('.', '\\.')} already exists`));
    assert.equal(json<ClientView[]>(['clients', 'list']).length, 1);
  });

  it('refuses a malformed id, a short secret and a missing --client-id with exit 2', (t) => {
    const { run } = cli(t);
    const without = (option: string) => {
      const args = [...legacy];
      args.splice(args.indexOf(option), 2);
      return args;
    };
    assertRefused(run([...without('--client-id'), '--client-id', '5555.api.parqex.com']), 2, /client_id must be 18 digits/);
    assertRefused(run([...without('--client-secret'), '--client-secret', 'short']), 2, /needs its client_secret/);
    assertRefused(run(without('--client-id')), 2, /--client-id is required/);
  });
});

describe('parqex in production', () => {
  it('refuses an http redirect URI with exit 2 but accepts a loopback one', (t) => {
    const { json, run } = cli(t);
    const refused = run(['clients', 'create', '--name', 'Evil', '--redirect-uri', 'http://evil.example/cb', '--json'], production);
    assertRefused(refused, 2, /must use https/);

    const issued = json<Issued>(['clients', 'create', '--name', 'Loopback', '--redirect-uri', 'http://127.0.0.1:8080/cb'], production);
    assert.match(issued.client_id, /^\d{18}\.api\.example\.com$/);
    assert.match(issued.client_secret!, /^[A-Za-z0-9_-]{32,}$/);
    assert.deepEqual(json<ClientView[]>(['clients', 'list'], production).map((c) => c.client_id), [issued.client_id]);
  });

  it('seed exits 2 and creates nothing', (t) => {
    const { run, dataDir } = cli(t);
    assertRefused(run(['seed'], production), 2, /never created in production/);
    assert.equal(existsSync(join(dataDir, 'parqex.sqlite')), false);
  });

  it('refuses to start without its secrets, naming both variables, with exit 2', (t) => {
    const { run } = cli(t);
    const result = run(['migrate'], { ...production, PARQEX_COOKIE_SECRETS: undefined, PARQEX_ENCRYPTION_KEY: undefined });
    assertRefused(result, 2, /Invalid configuration/);
    assert.match(result.stderr, /PARQEX_COOKIE_SECRETS/);
    assert.match(result.stderr, /PARQEX_ENCRYPTION_KEY/);
  });
});

describe('parqex migrate and seed', () => {
  it('migrate exits 0, prints one line, and can run again', (t) => {
    const { run, dataDir } = cli(t);
    for (let i = 0; i < 2; i += 1) {
      const result = run(['migrate']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, 'database is up to date\n');
      assert.equal(result.stderr, '');
    }
    assert.ok(existsSync(join(dataDir, 'parqex.sqlite')));
  });

  it('seed creates the sandbox client once, however often it runs', (t) => {
    const { run, json } = cli(t);
    const development = { PARQEX_SANDBOX: undefined };
    for (let i = 0; i < 2; i += 1) {
      const result = run(['seed'], development);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, 'sandbox ready\n');
    }
    const list = json<ClientView[]>(['clients', 'list'], development);
    const web = list.filter((c) => c.client_id === '100000000000000001.localhost');
    assert.equal(web.length, 1, JSON.stringify(list.map((c) => c.client_id)));
    assert.equal(web[0]!.is_sandbox, true);
    assert.equal(web[0]!.type, 'confidential');
    assert.equal(list.filter((c) => c.client_id === '100000000000000002.localhost').length, 1);
    const firstParty = list.filter((c) => c.client_id === '100000000000000003.localhost');
    assert.equal(firstParty.length, 1);
    assert.equal(firstParty[0]!.first_party, true);
    assert.equal(list.length, 3);
  });
});

describe('parqex help', () => {
  it('prints the usage with exit 0 for help, and with exit 2 when no command is given', (t) => {
    const { run } = cli(t);
    const help = run(['help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: parqex <command>\n/);
    const none = run([]);
    assert.equal(none.status, 2);
    assert.match(none.stdout, /^Usage: parqex <command>\n/);
  });
});
