// A person's vehicles, which they manage on their account page: a licence
// plate reader at one of their doors opens it for these plates
// (src/access/plate-entry.ts). Each change and its event are one transaction.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { EventFields } from '../events/types.ts';
import type { Database } from '../store/database.ts';
import { deleteVehicleOfPerson, findVehicleOfPerson, insertVehicle, vehiclesOfPerson } from '../store/repositories/vehicles.ts';
import { DomainError } from './errors.ts';
import { compactId, parseId } from './ids.ts';

/** What the add form sends; only the plate is required. */
export interface VehicleInput {
  plate?: string;
  region?: string;
  make?: string;
  model?: string;
  color?: string;
}

export interface Vehicle {
  id: string;
  plate: string;
  region: string;
  make: string;
  model: string;
  color: string;
}

export const maxDetailLength = { region: 32, make: 40, model: 40, color: 40 } as const;

export function personVehicles(db: Kysely<Database>, personId: string): Promise<Vehicle[]> {
  return vehiclesOfPerson(db, personId);
}

export async function addVehicle(db: Kysely<Database>, personId: string, input: VehicleInput, at: Date): Promise<Vehicle> {
  const vehicle: Vehicle = {
    id: randomUUID(),
    plate: readPlate(input.plate),
    region: readDetail('region', input.region),
    make: readDetail('make', input.make),
    model: readDetail('model', input.model),
    color: readDetail('color', input.color),
  };
  const now = Math.floor(at.getTime() / 1000);
  await db.transaction().execute(async (trx) => {
    if (!(await insertVehicle(trx, { ...vehicle, person_id: personId, created_at: now }))) {
      throw new DomainError('invalid', `You already have a vehicle with the licence plate ${vehicle.plate}.`);
    }
    await announce(trx, 'vehicle_added', personId, vehicle, now);
  });
  return vehicle;
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

/** A plate as stored and as a reader's report is matched: no spaces or hyphens, upper case. */
export function normalizePlate(plate: string): string {
  return plate.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Normalised as plate reports are matched (src/access/plate-entry.ts): spaces
 * and hyphens left out, upper case; then 2 to 10 letters and digits.
 */
export function readPlate(value: string | undefined): string {
  const plate = normalizePlate(value ?? '');
  if (plate === '') throw new DomainError('invalid', 'Enter a licence plate.');
  if (!/^[A-Z0-9]{2,10}$/.test(plate)) {
    throw new DomainError('invalid', 'A licence plate is 2 to 10 letters (A to Z) and digits; spaces and hyphens are left out.');
  }
  return plate;
}

/** Optional: trimmed, empty when not given. */
function readDetail(field: keyof typeof maxDetailLength, value: string | undefined): string {
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
