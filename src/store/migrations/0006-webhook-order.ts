import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The order events were recorded in (microseconds, strictly increasing per
  // process): occurred_at is whole seconds and a controller's own clock, so
  // neither it nor a random id can order one endpoint's deliveries.
  await db.schema.alterTable('outbox_events').addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('outbox_events_unfanned').on('outbox_events').columns(['fanned_out_at', 'seq']).execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('event_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('webhook_deliveries_endpoint_due').on('webhook_deliveries').columns(['endpoint_id', 'status', 'next_attempt_at', 'event_seq']).execute();

  // One process at a time works an endpoint, so its deliveries leave in order
  // and none goes out twice; the per-delivery lease this replaces could run
  // out while a long batch was still being sent.
  await db.schema.alterTable('webhook_endpoints').addColumn('leased_until', 'bigint').execute();
  await db.schema.alterTable('webhook_endpoints').addColumn('lease_holder', 'text').execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('leased_until').execute();

  // Seconds, like every other timestamp of the table.
  await db.updateTable('webhook_endpoints').set((eb) => ({ failing_since: eb('failing_since', '/', 1000) })).where('failing_since', 'is not', null).execute();
}
