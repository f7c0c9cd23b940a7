import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A keypad knows only its account and the PIN typed, so a PIN opens for one
  // member of an account at most; the unique key holds that under any race.
  // A member's claim goes with their membership.
  await db.schema.createTable('pin_claims')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('pin_lookup', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pin_claims_pk', ['account_id', 'pin_lookup'])
    .addForeignKeyConstraint('pin_claims_member', ['account_id', 'person_id'], 'account_members', ['account_id', 'person_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('pin_claims_person').on('pin_claims').columns(['person_id', 'account_id']).execute();

  // Joining an account never checked PINs, so members may share one today:
  // the earlier member keeps it; the later one's PIN stops working there
  // (their account page says so) until they choose another.
  const members = await db.selectFrom('account_members')
    .innerJoin('person_settings', 'person_settings.person_id', 'account_members.person_id')
    .select(['account_members.account_id', 'account_members.person_id', 'person_settings.pin_lookup'])
    .where('person_settings.pin_lookup', 'is not', null)
    .orderBy('account_members.account_id').orderBy('account_members.created_at').orderBy('account_members.person_id')
    .execute() as { account_id: string; person_id: string; pin_lookup: string }[];
  const claimed = new Set<string>();
  for (const member of members) {
    const key = `${member.account_id}\n${member.pin_lookup}`;
    if (claimed.has(key)) continue;
    claimed.add(key);
    await db.insertInto('pin_claims').values(member).execute();
  }
}
