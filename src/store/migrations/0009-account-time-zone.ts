import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Access hours are read in the account's zone, not in each person's: a
  // person choosing their own zone must not move the hours they were given.
  await db.schema.alterTable('accounts').addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC')).execute();
  // The zone the Admin has been living in so far; an account without an Admin or
  // whose Admin never saved settings keeps UTC.
  await db.updateTable('accounts')
    .set({
      time_zone: sql`coalesce((select person_settings.time_zone from account_members
        inner join person_settings on person_settings.person_id = account_members.person_id
        where account_members.account_id = accounts.id and account_members.role = 'admin'), 'UTC')`,
    })
    .execute();
}
