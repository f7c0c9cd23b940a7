// The controller registry on a real (SQLite) database: what `parqex devices` relies on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimController } from '../../src/access/accounts.ts';
import { DomainError } from '../../src/access/errors.ts';
import { compactId } from '../../src/access/ids.ts';
import { createController, listControllers, parseDoorSpec, rotateControllerSecret, setControllerEnabled, type NewController } from '../../src/devices/registry.ts';
import { sandboxAccounts, sandboxPeople } from '../../src/sandbox/seed.ts';
import { hashSecret, secretMatches } from '../../src/security/secrets.ts';
import { findDeviceSecret } from '../../src/store/repositories/devices.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const garageAndLobby: NewController = {
  entities: 3,
  doors: [
    { name: 'Garage', kind: 'stateful', type: 'garage', sensor: true },
    { name: 'Lobby', kind: 'momentary', type: 'pedestrian', sensor: false },
  ],
};

function isInvalid(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'invalid';
}

describe('controller registry', () => {
  it('registers an unclaimed controller and shows its claim code and secret once, keeping only their hashes', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, garageAndLobby);
    assert.deepEqual(Object.keys(issued), ['device_id', 'blackbox_code', 'claim_code', 'secret']);
    assert.match(issued.device_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(issued.blackbox_code, /^[0-9a-f]{16}$/);
    assert.match(issued.claim_code, /^\d{16}$/);
    assert.match(issued.secret, /^[A-Za-z0-9_-]{43}$/);

    const row = await db.selectFrom('devices').selectAll().where('id', '=', issued.device_id).executeTakeFirstOrThrow();
    assert.equal(row.account_id, null);
    assert.equal(row.active, 1);
    assert.equal(row.online, 0);
    assert.equal(row.number_of_entities_controlled, 3);
    assert.equal(row.is_sandbox, 0);
    assert.equal(row.secret_hash, hashSecret(issued.secret));
    assert.equal(row.claim_code_hash, hashSecret(issued.claim_code));
    const stored = JSON.stringify(row);
    assert.ok(!stored.includes(issued.secret) && !stored.includes(issued.claim_code), 'a secret is stored in clear');
  });

  it('gives two controllers different ids, serials, claim codes and secrets', async (t) => {
    const db = await sandboxDatabase(t);
    const [one, two] = [await createController(db, { entities: 1 }), await createController(db, { entities: 1 })];
    for (const key of ['device_id', 'blackbox_code', 'claim_code', 'secret'] as const) assert.notEqual(one[key], two[key], key);
  });

  it('numbers the doors 1, 2, ... in the order given, closed, with their kind, type and sensor', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, garageAndLobby);
    const doors = await db.selectFrom('doors').select(['entity_number', 'name', 'kind', 'door_type', 'sensor', 'state', 'active'])
      .where('device_id', '=', issued.device_id).orderBy('entity_number').execute();
    assert.deepEqual(doors.map((door) => ({ ...door })), [
      { entity_number: 1, name: 'Garage', kind: 'stateful', door_type: 'garage', sensor: 1, state: 'CLOSED', active: 1 },
      { entity_number: 2, name: 'Lobby', kind: 'momentary', door_type: 'pedestrian', sensor: 0, state: 'CLOSED', active: 1 },
    ]);
  });

  it('takes a given serial in lower case, and refuses one already in use', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, { entities: 1, blackboxCode: 'ABCDEF0123456789' });
    assert.equal(issued.blackbox_code, 'abcdef0123456789');
    await assert.rejects(createController(db, { entities: 1, blackboxCode: 'abcdef0123456789' }), (error) => isInvalid(error) && /already exists/.test((error as Error).message));
    // The sandbox's serial, too.
    await assert.rejects(createController(db, { entities: 1, blackboxCode: 'a1b2c3d4e5f60001' }), isInvalid);
  });

  it('can be claimed by an Admin with its serial and claim code, once', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, { entities: 1 });
    const claim = () => claimController(db, sandboxPeople.alex.id, sandboxAccounts.residence.id, issued.blackbox_code.toUpperCase(), issued.claim_code);
    assert.equal(await claim(), issued.device_id);
    await assert.rejects(claim(), isInvalid);
    const [listed] = (await listControllers(db)).filter((device) => device.device_id === issued.device_id);
    assert.equal(listed?.account, sandboxAccounts.residence.name);
  });

  it('rotate-secret: the new secret signs in, the old one no longer does [dashed and compact ids]', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, { entities: 1 });
    const first = await rotateControllerSecret(db, issued.device_id);
    const second = await rotateControllerSecret(db, compactId(issued.device_id).toUpperCase());
    assert.deepEqual(Object.keys(second), ['device_id', 'secret']);
    assert.equal(second.device_id, issued.device_id);
    assert.match(second.secret, /^[A-Za-z0-9_-]{43}$/);
    const { secret_hash: hash } = (await findDeviceSecret(db, issued.device_id))!;
    assert.ok(secretMatches(second.secret, hash!));
    assert.ok(!secretMatches(first.secret, hash!), 'the previous secret still matches');
    assert.ok(!secretMatches(issued.secret, hash!), 'the first secret still matches');
  });

  it('disable and enable switch the controller\'s active flag', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, { entities: 1 });
    const active = async () => (await findDeviceSecret(db, issued.device_id))?.active;
    assert.deepEqual(await setControllerEnabled(db, issued.device_id, false), { device_id: issued.device_id, active: false });
    assert.equal(await active(), 0);
    assert.equal((await listControllers(db)).find((device) => device.device_id === issued.device_id)?.active, false);
    await setControllerEnabled(db, compactId(issued.device_id), true);
    assert.equal(await active(), 1);
  });

  it('lists every controller without a secret, a claim code or their hashes', async (t) => {
    const db = await sandboxDatabase(t);
    const issued = await createController(db, garageAndLobby);
    const listed = await listControllers(db);
    assert.ok(listed.length >= 5, 'the sandbox controllers are listed too');
    const mine = listed.find((device) => device.device_id === issued.device_id);
    assert.deepEqual(mine, {
      device_id: issued.device_id, blackbox_code: issued.blackbox_code, account: null, active: true, online: false,
      last_contact: null, software_version: '0', entities: 3, is_sandbox: false,
    });
    const text = JSON.stringify(listed);
    for (const secret of [issued.secret, issued.claim_code, hashSecret(issued.secret), hashSecret(issued.claim_code)]) assert.ok(!text.includes(secret));
    assert.ok(!/hash|secret|claim/.test(Object.keys(mine!).join(' ')));
  });

  it('answers not_found for an unknown id, and invalid for a malformed one', async (t) => {
    const db = await sandboxDatabase(t);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const notFound = (error: unknown) => error instanceof DomainError && error.code === 'not_found';
    await assert.rejects(rotateControllerSecret(db, unknown), notFound);
    await assert.rejects(setControllerEnabled(db, unknown, false), notFound);
    await assert.rejects(rotateControllerSecret(db, 'not-an-id'), isInvalid);
    await assert.rejects(setControllerEnabled(db, '', true), isInvalid);
  });

  describe('refuses bad input as invalid, creating nothing', () => {
    const cases: [string, NewController][] = [
      ['0 entities', { entities: 0 }],
      ['101 entities', { entities: 101 }],
      ['2.5 entities', { entities: 2.5 }],
      ['NaN entities', { entities: Number.NaN }],
      ['a serial of 15 hex digits', { entities: 1, blackboxCode: 'abcdef012345678' }],
      ['a serial that is not hex', { entities: 1, blackboxCode: 'ghijklmnopqrstuv' }],
      ['more doors than entities', { entities: 1, doors: garageAndLobby.doors }],
      ['a door without a name', { entities: 1, doors: [{ name: '  ', kind: 'stateful', type: 'garage', sensor: false }] }],
      ['a door of an unknown kind', { entities: 1, doors: [{ name: 'Garage', kind: 'sliding' as never, type: 'garage', sensor: false }] }],
      ['a door of an unknown type', { entities: 1, doors: [{ name: 'Garage', kind: 'stateful', type: 'car' as never, sensor: false }] }],
    ];
    for (const [label, input] of cases) {
      it(`[${label}]`, async (t) => {
        const db = await sandboxDatabase(t);
        const before = (await listControllers(db)).length;
        await assert.rejects(createController(db, input), isInvalid);
        assert.equal((await listControllers(db)).length, before);
      });
    }
  });
});

describe('door specs (NAME:kind:type[:sensor])', () => {
  it('reads the kind, the type, the sensor and a name that holds colons', () => {
    assert.deepEqual(parseDoorSpec('Garage:stateful:garage:sensor'), { name: 'Garage', kind: 'stateful', type: 'garage', sensor: true });
    assert.deepEqual(parseDoorSpec('Front: Lobby:momentary:pedestrian'), { name: 'Front: Lobby', kind: 'momentary', type: 'pedestrian', sensor: false });
    assert.deepEqual(parseDoorSpec(' Lift :momentary:elevator'), { name: 'Lift', kind: 'momentary', type: 'elevator', sensor: false });
    assert.deepEqual(parseDoorSpec('sensor:stateful:gate'), { name: 'sensor', kind: 'stateful', type: 'gate', sensor: false });
  });

  for (const spec of ['Garage', 'Garage:stateful', 'Garage:sliding:garage', 'Garage:stateful:car', 'Garage:stateful:garage:camera', ':stateful:garage', `${'x'.repeat(61)}:stateful:garage`, 'Garage:STATEFUL:garage']) {
    it(`refuses "${spec.length > 30 ? `${spec.slice(0, 12)}…` : spec}" as invalid`, () => {
      assert.throws(() => parseDoorSpec(spec), (error) => isInvalid(error) && (error as Error).message.startsWith(`--door "${spec}"`));
    });
  }
});
