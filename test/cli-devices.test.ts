// `parqex devices` and `parqex simulate`'s refusals, through the real command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../src/access/ids.ts';
import { hashSecret } from '../src/security/secrets.ts';
import { assertRefused, cli, databaseBytes, production } from './helpers/cli.ts';

interface Issued {
  device_id: string;
  blackbox_code: string;
  claim_code: string;
  secret: string;
}

type Listed = Record<string, unknown> & { device_id: string; active: boolean };

const garage = ['devices', 'create', '--entities', '2', '--door', 'Garage:stateful:garage:sensor', '--door', 'Lobby:momentary:pedestrian'];

describe('parqex devices create', () => {
  it('prints exactly the id, serial, claim code and secret, and stores only the hashes', (t) => {
    const { json, dataDir } = cli(t);
    const issued = json<Issued>(garage);
    assert.deepEqual(Object.keys(issued), ['device_id', 'blackbox_code', 'claim_code', 'secret']);
    assert.match(issued.device_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(issued.blackbox_code, /^[0-9a-f]{16}$/);
    assert.match(issued.claim_code, /^\d{16}$/);
    assert.match(issued.secret, /^[A-Za-z0-9_-]{43}$/);

    const bytes = databaseBytes(dataDir);
    assert.ok(bytes.includes(issued.device_id), 'the controller is in the database');
    for (const secret of [issued.secret, issued.claim_code]) {
      assert.ok(!bytes.includes(secret), 'the database holds a secret in clear');
      assert.ok(bytes.includes(hashSecret(secret)), 'the database holds the hash');
    }
  });

  it('prints the four values and the warning that they are shown once without --json', (t) => {
    const { run } = cli(t);
    const result = run(['devices', 'create', '--entities', '1', '--blackbox', 'ABCDEF0123456789']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^device_id {6}[0-9a-f-]{36}\nblackbox_code {2}abcdef0123456789\nclaim_code {5}\d{16}\nsecret {9}[A-Za-z0-9_-]{43}\nStore the claim code and the secret now: they are shown once and kept only as hashes\. The controller stays unclaimed until an Admin claims it\.\n$/);
  });

  describe('refuses bad input with exit 2, a message and no stack trace', () => {
    const cases: [string, string[], RegExp][] = [
      ['no --entities', ['devices', 'create'], /--entities is required/],
      ['--entities 0', ['devices', 'create', '--entities', '0'], /--entities must be a whole number from 1 to 100/],
      ['--entities 101', ['devices', 'create', '--entities', '101'], /--entities must be a whole number from 1 to 100/],
      ['--entities two', ['devices', 'create', '--entities', 'two'], /--entities must be a whole number/],
      ['--entities 1.5', ['devices', 'create', '--entities', '1.5'], /--entities must be a whole number/],
      ['--blackbox of 15 digits', ['devices', 'create', '--entities', '1', '--blackbox', 'abcdef012345678'], /--blackbox must be 16 hexadecimal digits/],
      ['--door without a type', ['devices', 'create', '--entities', '1', '--door', 'Garage:stateful'], /--door "Garage:stateful": expected NAME:kind:type\[:sensor\]/],
      ['--door of an unknown kind', ['devices', 'create', '--entities', '1', '--door', 'Garage:sliding:garage'], /the kind must be momentary or stateful/],
      ['--door of an unknown type', ['devices', 'create', '--entities', '1', '--door', 'Garage:stateful:car'], /the type must be garage, gate, pedestrian or elevator/],
      ['--door with no name', ['devices', 'create', '--entities', '1', '--door', ':stateful:garage'], /Enter a name for the door/],
      ['more --door than --entities', [...garage.slice(0, 2), '--entities', '1', ...garage.slice(4)], /2 doors do not fit a controller of 1 entities/],
      ['an unknown option', ['devices', 'create', '--entities', '1', '--doors', 'x'], /--doors/],
      ['an unknown devices action', ['devices', 'frobnicate'], /unknown devices action: frobnicate/],
      ['rotate-secret without an id', ['devices', 'rotate-secret'], /DEVICE_ID is required/],
      ['a malformed id', ['devices', 'disable', 'nope'], /"nope" is not a controller id/],
    ];
    for (const [label, args, message] of cases) {
      it(`[${label}]`, (t) => {
        const { run, json } = cli(t);
        assertRefused(run(args), 2, message);
        assert.deepEqual(json(['devices', 'list']), []);
      });
    }
  });

  it('refuses a serial that is already registered with exit 2', (t) => {
    const { run, json } = cli(t);
    json(['devices', 'create', '--entities', '1', '--blackbox', 'abcdef0123456789']);
    assertRefused(run(['devices', 'create', '--entities', '1', '--blackbox', 'ABCDEF0123456789']), 2, /a controller with the serial abcdef0123456789 already exists/);
  });
});

describe('parqex devices list, rotate-secret, disable and enable', () => {
  it('lists controllers without any secret, claim code or hash', (t) => {
    const { json, run } = cli(t);
    const issued = json<Issued>(garage);
    const list = json<Listed[]>(['devices', 'list']);
    assert.deepEqual(list, [{
      device_id: issued.device_id, blackbox_code: issued.blackbox_code, account: null, active: true, online: false,
      last_contact: null, software_version: '0', entities: 2, is_sandbox: false,
    }]);
    const forms = [issued.secret, issued.claim_code, hashSecret(issued.secret), hashSecret(issued.claim_code)];
    const text = run(['devices', 'list']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^${issued.device_id}  ${issued.blackbox_code}  offline .*\\(unclaimed\\)\\n$`));
    for (const output of [JSON.stringify(list), text.stdout]) {
      for (const secret of forms) assert.ok(!output.includes(secret), 'the list shows a secret or its hash');
    }
  });

  it('prints (no controllers) when there are none', (t) => {
    const { run } = cli(t);
    assert.equal(run(['devices', 'list']).stdout, '(no controllers)\n');
  });

  it('rotate-secret prints a new secret once and stores only its hash [32-hex id]', (t) => {
    const { json, dataDir } = cli(t);
    const issued = json<Issued>(garage);
    const rotated = json<{ device_id: string; secret: string }>(['devices', 'rotate-secret', compactId(issued.device_id)]);
    assert.deepEqual(Object.keys(rotated), ['device_id', 'secret']);
    assert.equal(rotated.device_id, issued.device_id);
    assert.match(rotated.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(rotated.secret, issued.secret);
    const bytes = databaseBytes(dataDir);
    assert.ok(!bytes.includes(rotated.secret), 'the database holds the new secret in clear');
    assert.ok(bytes.includes(hashSecret(rotated.secret)));
  });

  it('disable and enable switch the controller off and on', (t) => {
    const { json, run } = cli(t);
    const issued = json<Issued>(garage);
    assert.deepEqual(json(['devices', 'disable', issued.device_id]), { device_id: issued.device_id, active: false });
    assert.equal(json<Listed[]>(['devices', 'list'])[0]!.active, false);
    const enabled = run(['devices', 'enable', issued.device_id]);
    assert.equal(enabled.status, 0, enabled.stderr);
    assert.equal(enabled.stdout, `enabled ${issued.device_id}\n`);
    assert.equal(json<Listed[]>(['devices', 'list'])[0]!.active, true);
  });

  it('exits 3 for an unknown controller', (t) => {
    const { run } = cli(t);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const action of ['rotate-secret', 'disable', 'enable']) {
      assertRefused(run(['devices', action, unknown]), 3, new RegExp(`no controller ${unknown}`));
    }
  });
});

describe('parqex simulate refuses before connecting', () => {
  it('exits 2 with nothing to simulate, an unpaired --device, a bad --count or --url', (t) => {
    const { run } = cli(t);
    assertRefused(run(['simulate']), 2, /nothing to simulate/);
    assertRefused(run(['simulate', '--device', '00000000-0000-4000-8000-000000000000']), 2, /give one --secret for each --device/);
    assertRefused(run(['simulate', '--count', '0']), 2, /--count must be a whole number from 1 to 1000/);
    assertRefused(run(['simulate', '--sandbox', '--travel-ms', 'fast']), 2, /--travel-ms must be a whole number/);
    assertRefused(run(['simulate', '--sandbox', '--url', 'http://127.0.0.1:1883']), 2, /--url must be an mqtt:\/\/ or mqtts:\/\/ URL/);
  });

  it('exits 3 for a controller the database does not know', (t) => {
    const { run } = cli(t);
    assertRefused(run(['simulate', '--device', '00000000-0000-4000-8000-000000000000', '--secret', 'x', '--url', 'mqtt://127.0.0.1:1']), 3, /no controller/);
  });

  it('never runs sandbox or throw-away controllers in production', (t) => {
    const { run } = cli(t);
    for (const args of [['--sandbox'], ['--count', '2']]) {
      assertRefused(run(['simulate', ...args, '--url', 'mqtt://127.0.0.1:1'], production), 2, /never run in production/);
    }
  });
});
