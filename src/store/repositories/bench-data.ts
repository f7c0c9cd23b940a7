// Generated data for benchmarks (`parqex bench-data`): one account of
// controllers with four doors each, people with doors shared with them, OAuth
// grants and a long access history. Everything is derived from a seed, so a
// benchmark can compute a controller's id and secret without reading them
// back. Rows go in as multi-row inserts (each batch shape compiled once),
// a transaction per chunk, so ten million events take minutes.
import { createHash } from 'node:crypto';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Box } from '../../security/encryption.ts';
import { hashSecret } from '../../security/secrets.ts';
import type { Database, DoorKind, DoorType } from '../database.ts';
import type { Engine } from '../dialect.ts';

export interface BenchDataOptions {
  seed: number;
  people: number;
  doorsPerPerson: number;
  grants: number;
  events: number;
  controllers: number;
  /** Events are spread over the days before this time (Unix seconds). */
  until: number;
  days: number;
  /** An existing person made an Admin of the generated account (sees every door and its history). */
  adminPersonId?: string;
  /** An existing person given `doorsPerPerson` of the generated doors, as each generated person is. */
  sharedWithPersonId?: string;
  /** The application the generated grants are for. */
  clientId: string;
}

/** The doors of every generated controller, by entity number. */
export const benchDoorLayout: readonly { entityNumber: number; name: string; kind: DoorKind; type: DoorType; sensor: boolean }[] = [
  { entityNumber: 1, name: 'Garage', kind: 'stateful', type: 'garage', sensor: true },
  { entityNumber: 2, name: 'Gate', kind: 'stateful', type: 'gate', sensor: true },
  { entityNumber: 3, name: 'Lobby', kind: 'momentary', type: 'pedestrian', sensor: false },
  { entityNumber: 4, name: 'Elevator', kind: 'momentary', type: 'elevator', sensor: false },
];

/** A UUID-shaped id from the seed, a kind of row and its number. */
export function benchId(seed: number, kind: string, index: number): string {
  const hex = createHash('sha256').update(`bench:${seed}:${kind}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function benchControllerSecret(seed: number, index: number): string {
  return `bench-${seed}-controller-${index}`;
}

export function benchDoorId(seed: number, controller: number, entityNumber: number): string {
  return benchId(seed, 'door', controller * benchDoorLayout.length + entityNumber - 1);
}

/** Event ids sort as their times do (events are written in time order), as a live table grows. */
export function benchEventId(seed: number, index: number): string {
  return `${index.toString(16).padStart(12, '0')}${benchId(seed, 'event', index).replace(/-/g, '').slice(12)}`;
}

export function benchAccountId(seed: number): string {
  return benchId(seed, 'account', 0);
}

/** mulberry32: small, fast and the same everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = Record<string, string | number | null>;
type Table = 'accounts' | 'account_members' | 'devices' | 'doors' | 'people' | 'person_settings' | 'door_access' | 'authorizations' | 'oauth_models' | 'access_events';

/** Rows per statement: under SQLite's and PostgreSQL's bound-value limits for the widest table here. */
const batchRows = 400;
/** Statements per transaction. */
const batchesPerTransaction = 50;

/**
 * Inserts every row `rows` yields. The full batch's statement is compiled once
 * per table and reused with each batch's values: Kysely building a
 * 3,000-value insert costs more than running it.
 */
async function insertAll(db: Kysely<Database>, table: Table, rows: Iterable<Row>): Promise<number> {
  let compiled: { query: CompiledQuery; columns: string[] } | undefined;
  let batch: Row[] = [];
  let pending: Row[][] = [];
  let written = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const batches = pending;
    pending = [];
    await db.transaction().execute(async (trx) => {
      for (const rowsOfBatch of batches) {
        if (rowsOfBatch.length === batchRows) {
          compiled ??= { query: trx.insertInto(table).values(rowsOfBatch as never).compile(), columns: Object.keys(rowsOfBatch[0]!) };
          const { columns } = compiled;
          await trx.executeQuery({ ...compiled.query, parameters: rowsOfBatch.flatMap((row) => columns.map((column) => row[column])) });
        } else {
          await trx.insertInto(table).values(rowsOfBatch as never).execute();
        }
      }
    });
  };
  for (const row of rows) {
    batch.push(row);
    written += 1;
    if (batch.length === batchRows) {
      pending.push(batch);
      batch = [];
      if (pending.length === batchesPerTransaction) await flush();
    }
  }
  if (batch.length) pending.push(batch);
  await flush();
  return written;
}

export interface BenchDataWritten {
  accounts: number;
  controllers: number;
  doors: number;
  people: number;
  doorAccess: number;
  grants: number;
  events: number;
}

export async function writeBenchData(db: Kysely<Database>, box: Box, options: BenchDataOptions, progress: (table: string, rows: number) => void = () => {}): Promise<BenchDataWritten> {
  const { seed, until } = options;
  const accountId = benchAccountId(seed);
  const written: BenchDataWritten = { accounts: 0, controllers: 0, doors: 0, people: 0, doorAccess: 0, grants: 0, events: 0 };
  const doorCount = options.controllers * benchDoorLayout.length;
  if (options.doorsPerPerson > doorCount && (options.people > 0 || options.sharedWithPersonId)) {
    throw new RangeError(`--doors-per-person ${options.doorsPerPerson} is more than the ${doorCount} generated doors (4 per controller)`);
  }
  const doorId = (index: number) => benchDoorId(seed, Math.floor(index / benchDoorLayout.length), (index % benchDoorLayout.length) + 1);
  const personId = (index: number) => benchId(seed, 'person', index);

  if (options.controllers > 0 || options.adminPersonId) {
    written.accounts = await insertAll(db, 'accounts', [{ id: accountId, name: `Bench ${seed}`, third_party_access: 1, is_sandbox: 0, created_at: until, time_zone: 'UTC' }]);
  }
  if (options.adminPersonId) {
    await insertAll(db, 'account_members', [{ account_id: accountId, person_id: options.adminPersonId, role: 'admin', created_at: until }]);
  }

  written.controllers = await insertAll(db, 'devices', (function* () {
    for (let i = 0; i < options.controllers; i += 1) {
      yield {
        id: benchId(seed, 'device', i), account_id: accountId, blackbox_code: `B${seed}-${i}`, claim_code_hash: hashSecret(`bench-${seed}-claim-${i}`),
        secret_hash: hashSecret(benchControllerSecret(seed, i)), number_of_entities_controlled: benchDoorLayout.length, active: 1, last_contact: null,
        software_version: '1.0', time_before_door_open_alert: 900, bluetooth_onboard: 0, bluetooth_mac_address: '000000000000', is_sandbox: 0, created_at: until,
      };
    }
  })());
  progress('controllers', written.controllers);
  written.doors = await insertAll(db, 'doors', (function* () {
    for (let i = 0; i < options.controllers; i += 1) {
      for (const door of benchDoorLayout) {
        yield {
          id: benchDoorId(seed, i, door.entityNumber), device_id: benchId(seed, 'device', i), entity_number: door.entityNumber, name: `${door.name} ${i + 1}`,
          kind: door.kind, door_type: door.type, state: 'CLOSED', last_toggled: null, active: 1, auto_close_enabled: 0, auto_close_delay: 0,
          sensor: door.sensor ? 1 : 0, sensor_mac_address: '000000000000', sensor_battery_level: 0, created_at: until,
        };
      }
    }
  })());
  progress('doors', written.doors);

  written.people = await insertAll(db, 'people', (function* () {
    for (let i = 0; i < options.people; i += 1) {
      yield { id: personId(i), email: `bench-${seed}-${i}@bench.invalid`, first_name: 'Bench', last_name: `Person ${i + 1}`, phone: null, password_hash: null, is_sandbox: 0, created_at: until };
    }
  })());
  await insertAll(db, 'person_settings', (function* () {
    for (let i = 0; i < options.people; i += 1) {
      yield { person_id: personId(i), notifications_enabled: 1, notification_tone: 'door_open', time_zone: 'UTC', pin_sealed: null, pin_lookup: null, share_pin_with_apps: 1 };
    }
  })());
  progress('people', written.people);

  // Person i's doors are a run of consecutive doors starting where the previous person's ended, wrapping round.
  const holders = [...Array.from({ length: options.people }, (_, i) => personId(i)), ...(options.sharedWithPersonId ? [options.sharedWithPersonId] : [])];
  written.doorAccess = await insertAll(db, 'door_access', (function* () {
    for (const [i, person] of holders.entries()) {
      for (let j = 0; j < options.doorsPerPerson; j += 1) {
        yield { door_id: doorId((i * options.doorsPerPerson + j) % doorCount), person_id: person, granted_by: options.adminPersonId ?? null, starts_at: null, ends_at: null, weekly_hours: null, created_at: until };
      }
    }
  })());
  progress('door access', written.doorAccess);

  // A grant is the authorization row the API reads and oidc-provider's sealed Grant it stands for.
  const grantOwner = (i: number) => (options.people > 0 ? personId(i % options.people) : options.adminPersonId ?? options.sharedWithPersonId);
  if (options.grants > 0 && grantOwner(0) === undefined) throw new RangeError('--grants needs --people, --admin or --share-with: a grant belongs to a person');
  written.grants = await insertAll(db, 'authorizations', (function* () {
    for (let i = 0; i < options.grants; i += 1) {
      yield { grant_id: benchId(seed, 'grant', i), person_id: grantOwner(i)!, client_id: options.clientId, scopes: 'openid doors:read doors:toggle', all_doors: 1, created_at: until, last_used_at: null };
    }
  })());
  await insertAll(db, 'oauth_models', (function* () {
    for (let i = 0; i < options.grants; i += 1) {
      const id = benchId(seed, 'grant', i);
      const payload = { kind: 'Grant', accountId: grantOwner(i), clientId: options.clientId, iat: until, exp: until + 365 * 86400, openid: { scope: 'openid doors:read doors:toggle' } };
      yield { model: 'Grant', id_hash: hashSecret(id), payload: box.seal(JSON.stringify(payload)), grant_id: id, uid: null, expires_at: until + 365 * 86400, consumed_at: null };
    }
  })());
  progress('grants', written.grants);

  if (options.events > 0 && doorCount === 0) throw new RangeError('--events needs --controllers: an event happens at a door');
  const next = random(seed);
  const span = options.days * 86400;
  const channels = ['Keypad', 'App', 'Door Sensor', 'API: Bench'];
  written.events = await insertAll(db, 'access_events', (function* () {
    for (let i = 0; i < options.events; i += 1) {
      // Times are relative to now; all else is the seed's.
      const occurredAt = until - span + Math.floor(((i + next()) * span) / options.events);
      const door = Math.floor(next() * doorCount);
      const channel = channels[Math.floor(next() * channels.length)]!;
      yield {
        id: benchEventId(seed, i),
        door_id: doorId(door),
        device_id: benchId(seed, 'device', Math.floor(door / benchDoorLayout.length)),
        person_id: channel === 'Door Sensor' || options.people === 0 ? null : personId(Math.floor(next() * options.people)),
        channel,
        door_state: next() < 0.5 ? 'OPEN' : 'CLOSED',
        was_success: next() < 0.97 ? 1 : 0,
        occurred_at: occurredAt,
      };
      if ((i + 1) % 1_000_000 === 0) progress('events', i + 1);
    }
  })());
  progress('events', written.events);
  return written;
}

/**
 * PostgreSQL plans from statistics that autovacuum gathers only a while after a
 * bulk load; gathered now, a benchmark that follows sees the plans a live
 * database would. SQLite keeps none unless asked (ANALYZE), and the server
 * never asks, so it is left as it runs.
 */
export async function gatherStatistics(db: Kysely<Database>, engine: Engine): Promise<void> {
  // The tables written here only: a bare ANALYZE reads every schema of the database, which on a
  // shared one (other deployments' schemas, a test run's hundreds) outlasts the statement timeout.
  if (engine === 'postgres') await sql`analyze ${sql.join(GENERATED_TABLES.map((table) => sql.table(table)))}`.execute(db);
}

const GENERATED_TABLES = ['accounts', 'account_members', 'devices', 'doors', 'people', 'person_settings', 'door_access', 'authorizations', 'authorization_doors', 'oauth_models', 'access_events'] as const;
