// `parqex accounts create`: the operator opens an account for a login (A.8).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRefused, cli } from './helpers/cli.ts';

const development = { PARQEX_SANDBOX: undefined };

describe('parqex accounts create', () => {
  it('makes the login the Admin of a new account in their zone, or the one given', (t) => {
    const { run, json } = cli(t);
    assert.equal(run(['seed'], development).status, 0);
    const created = json<Record<string, string>>(['accounts', 'create', '--name', 'Sam Street 1', '--admin', 'Sam.User@sandbox.parqex.test'], development);
    assert.deepEqual(Object.keys(created), ['account_id', 'name', 'time_zone', 'admin_person_id']);
    assert.equal(created.name, 'Sam Street 1');
    assert.equal(created.time_zone, 'America/New_York');
    assert.equal(created.admin_person_id, '5a0d0000-0000-4000-8000-000000000002');
    const tokyo = json<Record<string, string>>(['accounts', 'create', '--name', 'Tokyo', '--admin', 'sam.user@sandbox.parqex.test', '--time-zone', 'Asia/Tokyo'], development);
    assert.equal(tokyo.time_zone, 'Asia/Tokyo');
    const text = run(['accounts', 'create', '--name', 'Plain', '--admin', 'sam.user@sandbox.parqex.test'], development);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^account_id {2}[0-9a-f-]{36}\nname {8}Plain\ntime_zone {3}America\/New_York\nadmin {7}sam\.user@sandbox\.parqex\.test\n$/);
  });

  it('refuses an address without a login, a missing name and an unknown zone, without a stack trace', (t) => {
    const { run } = cli(t);
    assert.equal(run(['seed'], development).status, 0);
    assertRefused(run(['accounts', 'create', '--name', 'Ghost', '--admin', 'ghost@example.com'], development), 2, /No login has the address ghost@example\.com/);
    assertRefused(run(['accounts', 'create', '--admin', 'sam.user@sandbox.parqex.test'], development), 2, /--name is required/);
    assertRefused(run(['accounts', 'create', '--name', 'X', '--admin', 'sam.user@sandbox.parqex.test', '--time-zone', 'Mars/Olympus'], development), 2, /Unknown time zone: Mars\/Olympus/);
    assertRefused(run(['accounts', 'delete'], development), 2, /unknown accounts action/);
  });
});
