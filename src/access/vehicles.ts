// A person's vehicles, which they manage on their account page and through
// the vehicles API (phase2.md B.1): a licence plate reader at one of their
// doors opens it for these plates (src/access/plate-entry.ts). Each change
// and its event are one transaction.
import type { Kysely, Transaction } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { EventFields } from '../events/types.ts';
import type { Database } from '../store/database.ts';
import {
  countVehiclesOfPerson, deleteVehicleOfPerson, findVehicleOfPerson, insertVehicle, lockVehiclesOfPerson, updateVehicleOfPerson, vehiclesOfPerson,
} from '../store/repositories/vehicles.ts';
import { DomainError } from './errors.ts';
import { compactId, parseId, timeOrderedUuid } from './ids.ts';
import { plateKey, regionCode } from './plates.ts';

/** What the add form and the API send; only the plate is required. */
export interface VehicleInput {
  plate?: string;
  region?: string | null;
  make?: string;
  model?: string;
  color?: string;
}

export interface Vehicle {
  id: string;
  /** The plate key. */
  plate: string;
  /** A lower-case region code; '' when not known. */
  region: string;
  make: string;
  model: string;
  color: string;
}

export const maxDetailLength = { region: 32, make: 40, model: 40, color: 40 } as const;
/** A plate as typed, spaces and hyphens included. */
export const maxTypedPlateLength = 20;
/** How many vehicles one person may have. */
export const maxVehicles = 10;

export function personVehicles(db: Kysely<Database>, personId: string): Promise<Vehicle[]> {
  return vehiclesOfPerson(db, personId);
}

export async function addVehicle(db: Kysely<Database>, personId: string, input: VehicleInput, at: Date): Promise<Vehicle> {
  const vehicle: Vehicle = {
    id: timeOrderedUuid(at.getTime()),
    plate: readPlate(input.plate),
    region: readRegion(input.region),
    make: readDetail('make', input.make),
    model: readDetail('model', input.model),
    color: readDetail('color', input.color),
  };
  const now = Math.floor(at.getTime() / 1000);
  await db.transaction().execute(async (trx) => {
    await lockVehiclesOfPerson(trx, personId);
    if (await countVehiclesOfPerson(trx, personId) >= maxVehicles) throw new DomainError('limit_reached', `You already have ${maxVehicles} vehicles, the most one person can have. Remove one first.`);
    if (!(await insertVehicle(trx, { ...vehicle, person_id: personId, created_at: now }))) throw duplicatePlate(vehicle.plate);
    await announce(trx, 'vehicle_added', personId, vehicle, now);
  });
  return vehicle;
}

/** Changes the fields given; another person's vehicle is not found. Not announced: vehicle_added and vehicle_removed keep their meaning. */
export async function updateVehicle(db: Kysely<Database>, personId: string, vehicleId: string, input: VehicleInput): Promise<Vehicle> {
  const id = parseId(vehicleId);
  const changes: Partial<Omit<Vehicle, 'id'>> = {};
  if (input.plate !== undefined) changes.plate = readPlate(input.plate);
  if (input.region !== undefined) changes.region = readRegion(input.region);
  for (const field of ['make', 'model', 'color'] as const) {
    if (input[field] !== undefined) changes[field] = readDetail(field, input[field]);
  }
  return db.transaction().execute(async (trx) => {
    const vehicle = id ? await findVehicleOfPerson(trx, personId, id) : undefined;
    if (!vehicle) throw new DomainError('not_found', 'No such vehicle.');
    // Only a new plate can be taken; the unique index answers, even for a change made at the same instant.
    if (!(await updateVehicleOfPerson(trx, personId, vehicle.id, changes))) throw duplicatePlate(changes.plate ?? vehicle.plate);
    return { ...vehicle, ...changes };
  });
}

/** Another person's vehicle is "not found", like a door the person cannot see. */
export async function removeVehicle(db: Kysely<Database>, personId: string, vehicleId: string, at: Date): Promise<Vehicle> {
  const id = parseId(vehicleId);
  const now = Math.floor(at.getTime() / 1000);
  return db.transaction().execute(async (trx) => {
    const vehicle = id ? await findVehicleOfPerson(trx, personId, id) : undefined;
    if (!vehicle || !(await deleteVehicleOfPerson(trx, personId, vehicle.id))) throw new DomainError('not_found', 'No such vehicle.');
    await announce(trx, 'vehicle_removed', personId, vehicle, now);
    return vehicle;
  });
}

function duplicatePlate(plate: string): DomainError {
  return new DomainError('duplicate', `You already have a vehicle with the licence plate ${plate}.`);
}

/** A plate as stored and as a reader's report is matched: its plate key, or '' (matching nothing) when it has none. */
export function normalizePlate(plate: string): string {
  return plateKey(plate) ?? '';
}

/** The plate key of what the person typed (src/access/plates.ts); at most 20 characters as typed. */
export function readPlate(value: string | undefined): string {
  const typed = value ?? '';
  if (typed.replace(/[\s-]/g, '') === '') throw new DomainError('invalid', 'Enter a licence plate.');
  const key = [...typed].length <= maxTypedPlateLength ? plateKey(typed) : null;
  if (!key) throw new DomainError('invalid', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.');
  return key;
}

/** A region code, stored lower case; empty (or null) is "not known". */
export function readRegion(value: string | null | undefined): string {
  if (value === undefined || value === null || value.trim() === '') return '';
  const code = regionCode(value);
  if (!code) throw new DomainError('invalid', 'Invalid region: use a region code such as us-ny (ISO 3166-2) or a country code such as gb, or leave it empty.');
  return code;
}

/** Optional: trimmed, empty when not given. */
function readDetail(field: 'make' | 'model' | 'color', value: string | undefined): string {
  const text = (value ?? '').normalize('NFC').trim();
  if ([...text].length > maxDetailLength[field]) throw new DomainError('invalid', `The ${field} is at most ${maxDetailLength[field]} characters.`);
  if (/\p{Cc}/u.test(text)) throw new DomainError('invalid', `The ${field} cannot contain control characters.`);
  return text;
}

/** To the owner only: a vehicle belongs to no door. */
async function announce(trx: Transaction<Database>, type: 'vehicle_added' | 'vehicle_removed', personId: string, vehicle: Vehicle, now: number): Promise<void> {
  const data: EventFields[typeof type] = { vehicleID: compactId(vehicle.id), personID: compactId(personId), licensePlate: vehicle.plate, region: vehicle.region };
  await appendEvent(trx, { type, personIds: [personId], occurredAt: now, data });
}
