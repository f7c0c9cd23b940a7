import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A door move is one record: the command and what the controller reported
  // about it. `status` stays the toggle's answer; `move` is how far the door got.
  await db.schema.alterTable('door_commands').addColumn('move', 'text', (c) => c.notNull().defaultTo('requested')).execute();
  // When an acknowledged move must have been reported (Unix ms); null until acknowledged.
  await db.schema.alterTable('door_commands').addColumn('travel_deadline', 'bigint').execute();
  // Commands already settled before moves were recorded are never reported now.
  await db.updateTable('door_commands').set({ move: 'reported' }).where('status', '=', 'succeeded').execute();
  await db.updateTable('door_commands').set({ move: 'failed' }).where('status', '=', 'failed').execute();
  await db.schema.createIndex('door_commands_travelling').on('door_commands').columns(['move', 'travel_deadline']).execute();
  // The protocol version a controller's reports say it speaks ("1.0" when they say nothing).
  await db.schema.alterTable('devices').addColumn('protocol', 'text').execute();
}
