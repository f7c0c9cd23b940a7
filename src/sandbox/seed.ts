// The testing accounts of spec 6: known people, accounts and applications so
// an integrator can run the whole flow on day one. Idempotent; never in production.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { hashPassword } from '../security/passwords.ts';
import { addMemberIfAbsent, insertAccountIfAbsent, setMemberPermissions } from '../store/repositories/accounts.ts';
import { countSandboxClients } from '../store/repositories/clients.ts';
import { countSandboxPeople, insertPersonIfAbsent } from '../store/repositories/people.ts';
import { describeClient, importClient, type ClientRules } from '../oauth/clients.ts';
import { updateSettings, readSettings, type SettingsDeps } from '../access/settings.ts';
import { hashSecret } from '../security/secrets.ts';
import { insertDevice, insertDoor } from '../store/repositories/doors.ts';
import { upsertDoorAccess } from '../store/repositories/door-access.ts';
import { insertVehicleIfAbsent } from '../store/repositories/vehicles.ts';
import { insertReaderIfAbsent } from '../store/repositories/lpr-reads.ts';
import type { WeeklyHours } from '../access/schedules.ts';
import { readerDefaults } from '../access/lpr-readers.ts';

export const sandboxPassword = 'parqex-sandbox';

export const sandboxPeople = {
  alex: { id: '5a0d0000-0000-4000-8000-000000000001', email: 'alex.admin@sandbox.parqex.test', first_name: 'Alex', last_name: 'Admin' },
  sam: { id: '5a0d0000-0000-4000-8000-000000000002', email: 'sam.user@sandbox.parqex.test', first_name: 'Sam', last_name: 'User' },
  nora: { id: '5a0d0000-0000-4000-8000-000000000003', email: 'nora.neighbor@sandbox.parqex.test', first_name: 'Nora', last_name: 'Neighbor' },
  gia: { id: '5a0d0000-0000-4000-8000-000000000004', email: 'gia.guard@sandbox.parqex.test', first_name: 'Gia', last_name: 'Guard' },
} as const;

/** Each in its Admin's zone (the default zone of a person's settings), as an account an Admin creates. */
export const sandboxAccounts = {
  residence: { id: '5a0d0000-0000-4000-8000-0000000000a1', name: 'Sandbox Residence', time_zone: 'America/New_York' },
  neighbor: { id: '5a0d0000-0000-4000-8000-0000000000a2', name: 'Neighbor House', time_zone: 'America/New_York' },
} as const;

/** Controllers of the sandbox; the claim codes are what ships in the box; the secrets sign them in to MQTT (public, like every sandbox password). */
export const sandboxDevices = {
  a: { id: '5a0d0000-0000-4000-8000-0000000000d1', secret: 'sandbox-device-secret-a', blackbox_code: 'a1b2c3d4e5f60001', claimCode: 'SANDBOX-A', account: 'residence', entities: 4 },
  b: { id: '5a0d0000-0000-4000-8000-0000000000d2', secret: 'sandbox-device-secret-b', blackbox_code: 'a1b2c3d4e5f60002', claimCode: 'SANDBOX-B', account: 'residence', entities: 2 },
  neighbor: { id: '5a0d0000-0000-4000-8000-0000000000d3', secret: 'sandbox-device-secret-neighbor', blackbox_code: 'a1b2c3d4e5f60003', claimCode: 'SANDBOX-N', account: 'neighbor', entities: 1 },
  /** Unclaimed, for trying the claim flow. */
  spare: { id: '5a0d0000-0000-4000-8000-0000000000d4', secret: 'sandbox-device-secret-spare', blackbox_code: 'a1b2c3d4e5f60004', claimCode: 'SANDBOX-SPARE', account: null, entities: 2 },
} as const;

export const sandboxDoors = {
  garage: { id: '5a0d0000-0000-4000-8000-0000000000e1', device: 'a', entity_number: 1, name: 'Garage', kind: 'stateful', door_type: 'garage', sensor: 1, auto_close_delay: 0 },
  gate: { id: '5a0d0000-0000-4000-8000-0000000000e2', device: 'a', entity_number: 2, name: 'Driveway Gate', kind: 'stateful', door_type: 'gate', sensor: 1, auto_close_delay: 60 },
  lobby: { id: '5a0d0000-0000-4000-8000-0000000000e3', device: 'a', entity_number: 3, name: 'Lobby Door', kind: 'momentary', door_type: 'pedestrian', sensor: 0, auto_close_delay: 0 },
  sideGarage: { id: '5a0d0000-0000-4000-8000-0000000000e4', device: 'b', entity_number: 1, name: 'Side Garage', kind: 'stateful', door_type: 'garage', sensor: 0, auto_close_delay: 0 },
  neighborGarage: { id: '5a0d0000-0000-4000-8000-0000000000e5', device: 'neighbor', entity_number: 1, name: 'Neighbor Garage', kind: 'stateful', door_type: 'garage', sensor: 1, auto_close_delay: 0 },
} as const;

/** Sam may use the gate from 06:00 to 22:00, every day, in the Sandbox Residence's time zone. */
export const samGateHours: WeeklyHours = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '22:00' }];
/** Gia, the residence's guard, from 07:00 to 23:00 every day (phase2.md A.8). */
const giaGateHours: WeeklyHours = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '07:00', end: '23:00' }];

export const sandboxPins = { alex: '1357', sam: '2468', nora: '9753', gia: '8642' } as const;

export const sandboxRedirectUris = [
  'http://localhost:8080/callback',
  'http://127.0.0.1:8080/callback',
  'https://oauth.pstmn.io/v1/callback',
];

export function sandboxClients(apiHost: string) {
  return {
    web: {
      client_id: `100000000000000001.${apiHost}`,
      client_secret: 'parqex-sandbox-client-secret-0001',
    },
    native: {
      client_id: `100000000000000002.${apiHost}`,
      redirect_uris: ['com.parqex.sandbox:/oauth', 'http://127.0.0.1/callback'],
    },
    /** ParqEx's own app: the only kind of client the internal routes (invite) answer. */
    firstParty: {
      client_id: `100000000000000003.${apiHost}`,
      client_secret: 'parqex-sandbox-first-party-secret-0003',
    },
  };
}

export async function seedSandbox(db: Kysely<Database>, rules: ClientRules, settings: SettingsDeps): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const passwordHash = await hashPassword(sandboxPassword);
  for (const person of Object.values(sandboxPeople)) {
    await insertPersonIfAbsent(db, { ...person, phone: null, password_hash: passwordHash, is_sandbox: 1, created_at: now });
  }
  for (const account of Object.values(sandboxAccounts)) {
    await insertAccountIfAbsent(db, { ...account, is_sandbox: 1, created_at: now });
  }
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.residence.id, person_id: sandboxPeople.alex.id, role: 'admin', created_at: now });
  // Sam is a plain User: no sharing permission (can_share stays 0), so he cannot invite anyone.
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.residence.id, person_id: sandboxPeople.sam.id, role: 'user', created_at: now });
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.neighbor.id, person_id: sandboxPeople.nora.id, role: 'admin', created_at: now });
  // Gia is a User too, the residence's guard: she issues guest passes and enforces, but shares no doors (phase2.md A.8).
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.residence.id, person_id: sandboxPeople.gia.id, role: 'user', created_at: now });
  await setMemberPermissions(db, sandboxAccounts.residence.id, sandboxPeople.gia.id, { can_share: 0, can_issue_guests: 1, can_enforce: 1 });

  await seedControllers(db, now);
  for (const [key, pin] of Object.entries(sandboxPins)) {
    const personId = sandboxPeople[key as keyof typeof sandboxPins].id;
    if ((await readSettings(settings, personId)).pin === null) await updateSettings(settings, personId, { pin });
  }
  // A day before the seed: the vehicle cap counts in adding order (created_at, then id), and these fixed ids
  // would sort after a vehicle someone adds within the seed's own second.
  const vehiclesAddedAt = now - 86_400;
  await insertVehicleIfAbsent(db, { id: '5a0d0000-0000-4000-8000-0000000000f1', person_id: sandboxPeople.alex.id, plate: 'PQX1001', region: 'us-ny', make: 'Tesla', model: 'Model 3', color: 'white', created_at: vehiclesAddedAt });
  await insertVehicleIfAbsent(db, { id: '5a0d0000-0000-4000-8000-0000000000f2', person_id: sandboxPeople.gia.id, plate: 'GIA404', region: 'us-ny', make: 'Ford', model: 'Explorer', color: 'black', created_at: vehiclesAddedAt });

  const clients = sandboxClients(rules.apiHost);
  if (!(await describeClient(db, clients.web.client_id))) {
    await importClient(db, rules, clients.web.client_id, clients.web.client_secret, {
      name: 'Sandbox Smart Home',
      description: 'The sandbox application: use its credentials to try the OAuth flow and the API.',
      website: 'https://developers.parqex.test/sandbox',
      contactName: 'ParqEx Developer Support',
      contactEmail: 'developers@sandbox.parqex.test',
      redirectUris: sandboxRedirectUris,
      environment: 'development',
      isSandbox: true,
    });
  }
  if (!(await describeClient(db, clients.native.client_id))) {
    await importClient(db, rules, clients.native.client_id, undefined, {
      name: 'Sandbox Mobile App',
      description: 'A public (native) sandbox client: PKCE, custom-scheme and loopback redirects.',
      redirectUris: clients.native.redirect_uris,
      type: 'public',
      environment: 'development',
      isSandbox: true,
    });
  }
  if (!(await describeClient(db, clients.firstParty.client_id))) {
    await importClient(db, rules, clients.firstParty.client_id, clients.firstParty.client_secret, {
      name: 'ParqEx Mobile (sandbox)',
      description: 'A first-party sandbox client: like ParqEx\'s own apps, it may call the internal routes (invite).',
      redirectUris: sandboxRedirectUris,
      firstParty: true,
      environment: 'development',
      isSandbox: true,
    });
  }
}

async function seedControllers(db: Kysely<Database>, now: number): Promise<void> {
  for (const device of Object.values(sandboxDevices)) {
    await insertDevice(db, {
      id: device.id,
      account_id: device.account ? sandboxAccounts[device.account].id : null,
      blackbox_code: device.blackbox_code,
      claim_code_hash: hashSecret(device.claimCode),
      secret_hash: hashSecret(device.secret),
      number_of_entities_controlled: device.entities,
      active: 1,
      last_contact: null,
      software_version: '0',
      time_before_door_open_alert: 900,
      bluetooth_onboard: 1,
      bluetooth_mac_address: `a1b2c3${device.blackbox_code.slice(-6)}`,
      is_sandbox: 1,
      created_at: now,
    });
  }
  for (const door of Object.values(sandboxDoors)) {
    await insertDoor(db, {
      id: door.id,
      device_id: sandboxDevices[door.device].id,
      entity_number: door.entity_number,
      name: door.name,
      kind: door.kind,
      door_type: door.door_type,
      state: 'CLOSED',
      last_toggled: null,
      active: 1,
      auto_close_enabled: door.auto_close_delay > 0 ? 1 : 0,
      auto_close_delay: door.auto_close_delay,
      sensor: door.sensor,
      sensor_mac_address: door.sensor ? `5e5500${door.id.slice(-6)}` : '000000000000',
      sensor_battery_level: door.sensor ? 87 : 0,
      created_at: now,
    });
  }
  // The Driveway Gate's camera lets cars in and, once in, out (phase2.md B.6).
  await insertReaderIfAbsent(db, {
    device_id: sandboxDevices.a.id, entity_number: sandboxDoors.gate.entity_number, door_id: sandboxDoors.gate.id,
    direction: 'both', min_confidence: readerDefaults.minConfidence, repeat_window_s: readerDefaults.repeatWindowS, enabled: 1, updated_at: now,
  });
  const grantedBy = sandboxPeople.alex.id;
  await upsertDoorAccess(db, { door_id: sandboxDoors.gate.id, person_id: sandboxPeople.sam.id, granted_by: grantedBy, starts_at: null, ends_at: null, weekly_hours: JSON.stringify(samGateHours), created_at: now });
  await upsertDoorAccess(db, { door_id: sandboxDoors.lobby.id, person_id: sandboxPeople.sam.id, granted_by: grantedBy, starts_at: null, ends_at: null, weekly_hours: null, created_at: now });
  await upsertDoorAccess(db, { door_id: sandboxDoors.gate.id, person_id: sandboxPeople.gia.id, granted_by: grantedBy, starts_at: null, ends_at: null, weekly_hours: JSON.stringify(giaGateHours), created_at: now });
  await upsertDoorAccess(db, { door_id: sandboxDoors.lobby.id, person_id: sandboxPeople.gia.id, granted_by: grantedBy, starts_at: null, ends_at: null, weekly_hours: null, created_at: now });
}

/** Production refuses to start on a database that holds the sandbox's public passwords. */
export async function sandboxPresence(db: Kysely<Database>): Promise<{ people: number; clients: number }> {
  return { people: await countSandboxPeople(db), clients: await countSandboxClients(db) };
}
