// Guest passes (phase2.md D.1): the pass, its doors, its PIN claim.
import { PostgresAdapter, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database, GuestPassesTable } from '../database.ts';

export type GuestPassRow = Selectable<GuestPassesTable>;

export async function insertGuestPass(db: Kysely<Database>, row: Insertable<GuestPassesTable>, doorIds: readonly string[]): Promise<void> {
  await db.insertInto('guest_passes').values(row).execute();
  await db.insertInto('guest_pass_doors').values(doorIds.map((door_id) => ({ guest_pass_id: row.id, door_id }))).execute();
}

export function findGuestPass(db: Kysely<Database>, id: string): Promise<GuestPassRow | undefined> {
  return db.selectFrom('guest_passes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findGuestPassByToken(db: Kysely<Database>, tokenHash: string): Promise<GuestPassRow | undefined> {
  return db.selectFrom('guest_passes').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Locks the pass (PostgreSQL) for a change decided on what it read. */
export function lockGuestPass(db: Kysely<Database>, id: string): Promise<GuestPassRow | undefined> {
  const query = db.selectFrom('guest_passes').selectAll().where('id', '=', id);
  return (db.getExecutor().adapter instanceof PostgresAdapter ? query.forUpdate() : query).executeTakeFirst();
}

export async function guestPassDoorIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byPass = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byPass;
  const rows = await db.selectFrom('guest_pass_doors').select(['guest_pass_id', 'door_id']).where('guest_pass_id', 'in', ids).orderBy('door_id').execute();
  for (const row of rows) byPass.get(row.guest_pass_id)?.push(row.door_id);
  return byPass;
}

export interface GuestPassQuery {
  accountId: string;
  /** Only this issuer's passes; undefined: every pass of the account. */
  issuerId?: string;
  plateKey?: string;
  /** Stored states to keep (statuses that follow from the clock are filtered after). */
  states?: readonly string[];
  before?: { createdAt: number; id: string };
  limit: number;
}

export function listGuestPasses(db: Kysely<Database>, query: GuestPassQuery): Promise<GuestPassRow[]> {
  let select = db.selectFrom('guest_passes').selectAll().where('account_id', '=', query.accountId);
  if (query.issuerId) select = select.where('issuer_id', '=', query.issuerId);
  if (query.plateKey) select = select.where('plate_key', '=', query.plateKey);
  if (query.states) select = select.where('state', 'in', query.states as GuestPassRow['state'][]);
  if (query.before) {
    const { createdAt, id } = query.before;
    select = select.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

/** Passes of an issuer at an account not yet over: issued and not ended, or pending. */
export async function countLivePasses(db: Kysely<Database>, accountId: string, issuerId: string, now: number): Promise<number> {
  const row = await db.selectFrom('guest_passes').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId).where('issuer_id', '=', issuerId)
    .where('state', 'in', ['issued', 'pending']).where('ends_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateGuestPass(db: Kysely<Database>, id: string, changes: Updateable<GuestPassesTable>): Promise<void> {
  await db.updateTable('guest_passes').set(changes).where('id', '=', id).execute();
}

/** Moves a pass from one state to another; false when it was no longer in `from` (someone else decided first). */
export async function changePassState(db: Kysely<Database>, id: string, from: readonly GuestPassRow['state'][], changes: Updateable<GuestPassesTable>): Promise<boolean> {
  const result = await db.updateTable('guest_passes').set(changes).where('id', '=', id).where('state', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Claims a PIN for a pass under its issuer's membership; false when anyone at the account holds it. */
export async function claimGuestPin(db: Kysely<Database>, pass: { id: string; account_id: string; issuer_id: string }, pinLookup: string): Promise<boolean> {
  const result = await db.insertInto('pin_claims').values({ account_id: pass.account_id, pin_lookup: pinLookup, person_id: pass.issuer_id, guest_pass_id: pass.id })
    .onConflict((oc) => oc.columns(['account_id', 'pin_lookup']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function freeGuestPin(db: Kysely<Database>, guestPassId: string): Promise<void> {
  await db.deleteFrom('pin_claims').where('guest_pass_id', '=', guestPassId).execute();
}

/** The passes holding a PIN at any of these accounts (a member taking the PIN displaces them). */
export function guestClaimsOf(db: Kysely<Database>, accountIds: readonly string[], pinLookup: string): Promise<{ guest_pass_id: string }[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('pin_claims').select('guest_pass_id').where('account_id', 'in', accountIds).where('pin_lookup', '=', pinLookup)
    .where('guest_pass_id', 'is not', null).execute() as Promise<{ guest_pass_id: string }[]>;
}

/** Issued passes with this plate key on this door, not ended (plate reads). */
export function guestPassesForPlate(db: Kysely<Database>, doorId: string, plateKey: string, now: number): Promise<GuestPassRow[]> {
  return db.selectFrom('guest_passes').innerJoin('guest_pass_doors', 'guest_pass_doors.guest_pass_id', 'guest_passes.id')
    .selectAll('guest_passes').where('guest_pass_doors.door_id', '=', doorId).where('guest_passes.plate_key', '=', plateKey)
    .where('guest_passes.state', '=', 'issued').where('guest_passes.ends_at', '>', now)
    .orderBy('guest_passes.ends_at', 'desc').execute();
}

/** Counts a use; the first use of a pass also stamps first_used_at. */
export async function countUse(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db.updateTable('guest_passes').set((eb) => ({ uses: eb('uses', '+', 1), first_used_at: eb.fn.coalesce('first_used_at', eb.val(now)) })).where('id', '=', id).execute();
}

/** True for the one caller, in any process, who first marks the arrival mailed. */
export async function claimArrivalMail(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('guest_passes').set({ arrival_mailed_at: now }).where('id', '=', id).where('arrival_mailed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Issued passes whose reminder is due (ends within `leadSeconds`, not ended), not yet reminded. */
export function passesDueReminder(db: Kysely<Database>, now: number, leadSeconds: number): Promise<GuestPassRow[]> {
  return db.selectFrom('guest_passes').selectAll().where('reminder_sent_at', 'is', null).where('state', '=', 'issued')
    .where('guest_email', 'is not', null).where('ends_at', '<=', now + leadSeconds).where('ends_at', '>', now)
    .execute();
}

export async function claimReminder(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('guest_passes').set({ reminder_sent_at: now }).where('id', '=', id).where('reminder_sent_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function guestPolicy(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('accounts')
    .select(['name', 'time_zone', 'guest_users_may_issue', 'guest_max_active_per_issuer', 'guest_max_days', 'guest_max_recurring_days', 'guest_pin_length'])
    .where('id', '=', accountId).executeTakeFirstOrThrow();
}

/** Used passes whose issuer is yet to hear of the arrival. */
export function passesDueArrivalMail(db: Kysely<Database>) {
  return db.selectFrom('guest_passes').selectAll().where('first_used_at', 'is not', null).where('arrival_mailed_at', 'is', null).execute();
}

/** Passes whose redrawn PIN the guest is yet to be mailed; true for the one caller who takes it. */
export function passesDuePinMail(db: Kysely<Database>) {
  return db.selectFrom('guest_passes').selectAll().where('pin_mail_due', '=', 1).execute();
}

export async function claimPinMail(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.updateTable('guest_passes').set({ pin_mail_due: 0 }).where('id', '=', id).where('pin_mail_due', '=', 1).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The first door the pass opened, for the arrival mail. */
export function firstOpenedDoor(db: Kysely<Database>, id: string) {
  return db.selectFrom('access_events').innerJoin('doors', 'doors.id', 'access_events.door_id').select(['doors.name', 'access_events.occurred_at'])
    .where('access_events.guest_pass_id', '=', id).where('access_events.was_success', '=', 1)
    .orderBy('access_events.occurred_at').limit(1).executeTakeFirst();
}

/** The pass's openings (by any credential) since `since` (epoch s), newest first. */
export function guestOpenings(db: Kysely<Database>, id: string, since: number) {
  return db.selectFrom('access_events').select(['door_id', 'occurred_at']).where('guest_pass_id', '=', id).where('occurred_at', '>', since)
    .orderBy('occurred_at', 'desc').execute();
}

/** A leaving member's passes at the account that are not over yet. */
export function livePassesOf(db: Kysely<Database>, accountId: string, issuerId: string, now: number) {
  return db.selectFrom('guest_passes').selectAll().where('account_id', '=', accountId).where('issuer_id', '=', issuerId)
    .where('state', 'in', ['issued', 'pending']).where('ends_at', '>', now).execute();
}

/** A leaving member's unit links at the account go with them (phase2.md A.7). */
export async function deleteUnitLinksOf(db: Kysely<Database>, accountId: string, ownerId: string): Promise<void> {
  await db.deleteFrom('unit_links').where('account_id', '=', accountId).where('owner_id', '=', ownerId).execute();
}

/** The account's issued passes for this plate key that began by `at` and ended no earlier than `since` (plate status). */
export function guestPassesOfPlate(db: Kysely<Database>, accountId: string, plateKey: string, at: number, since: number): Promise<GuestPassRow[]> {
  return db.selectFrom('guest_passes').selectAll().where('account_id', '=', accountId).where('plate_key', '=', plateKey)
    .where('state', '=', 'issued').where('starts_at', '<=', at).where('ends_at', '>=', since).orderBy('ends_at', 'desc').execute();
}

/** Every pass of the account for this plate key, newest first (plate search). */
export function allGuestPassesOfPlate(db: Kysely<Database>, accountId: string, plateKey: string, limit: number): Promise<GuestPassRow[]> {
  return db.selectFrom('guest_passes').selectAll().where('account_id', '=', accountId).where('plate_key', '=', plateKey)
    .orderBy('starts_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Issued passes with a plate that ended by `endedBy` (ends_at, or a used one_time pass's 15 minutes), not yet checked for an overstay. */
export function passesDueOverstayCheck(db: Kysely<Database>, endedBy: number, oneTimeSeconds: number): Promise<GuestPassRow[]> {
  return db.selectFrom('guest_passes').selectAll().where('overstay_checked_at', 'is', null).where('state', '=', 'issued').where('plate_key', 'is not', null)
    .where((eb) => eb.or([eb('ends_at', '<=', endedBy), eb.and([eb('kind', '=', 'one_time'), eb('first_used_at', '<=', endedBy - oneTimeSeconds)])]))
    .execute();
}

export async function claimOverstayCheck(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('guest_passes').set({ overstay_checked_at: now }).where('id', '=', id).where('overstay_checked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
