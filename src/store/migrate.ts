import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import * as peopleAndAccounts from './migrations/0001-people-and-accounts.ts';
import * as oauth from './migrations/0002-oauth.ts';
import * as access from './migrations/0003-access.ts';
import * as controllers from './migrations/0004-controllers.ts';
import * as webhooks from './migrations/0005-webhooks.ts';
import * as webhookOrder from './migrations/0006-webhook-order.ts';
import * as doorOpenAlerts from './migrations/0007-door-open-alerts.ts';
import * as uniquePlates from './migrations/0008-unique-plates.ts';
import * as accountTimeZone from './migrations/0009-account-time-zone.ts';
import * as pinClaims from './migrations/0010-pin-claims.ts';
import * as idempotencyRecords from './migrations/0011-idempotency-records.ts';
import * as doorMoves from './migrations/0012-door-moves.ts';
import * as memberPermissions from './migrations/0013-member-permissions.ts';
import * as mailLinks from './migrations/0014-mail-links.ts';
import * as developerApplications from './migrations/0015-developer-applications.ts';
import * as controllerNames from './migrations/0016-controller-names.ts';
import * as lpr from './migrations/0017-lpr.ts';
import * as enforcer from './migrations/0018-enforcer.ts';
import * as guests from './migrations/0019-guests.ts';
import * as performance from './migrations/0020-performance.ts';
import * as overstay from './migrations/0021-overstay.ts';

/** A static list: Node runs TypeScript sources, so no folder scanning or build output. */
export const migrations: Record<string, Migration> = {
  '0001-people-and-accounts': peopleAndAccounts,
  '0002-oauth': oauth,
  '0003-access': access,
  '0004-controllers': controllers,
  '0005-webhooks': webhooks,
  '0006-webhook-order': webhookOrder,
  '0007-door-open-alerts': doorOpenAlerts,
  '0008-unique-plates': uniquePlates,
  '0009-account-time-zone': accountTimeZone,
  '0010-pin-claims': pinClaims,
  '0011-idempotency-records': idempotencyRecords,
  '0012-door-moves': doorMoves,
  '0013-member-permissions': memberPermissions,
  '0014-mail-links': mailLinks,
  '0015-developer-applications': developerApplications,
  '0016-controller-names': controllerNames,
  '0017-lpr': lpr,
  '0018-enforcer': enforcer,
  '0019-guests': guests,
  '0020-performance': performance,
  '0021-overstay': overstay,
};

export async function migrateToLatest(db: Kysely<any>, engine: 'sqlite' | 'postgres', only?: string): Promise<MigrationResultSet> {
  // Kysely looks for its bookkeeping tables in every schema; pin it to ours so
  // a database shared by several schemas (search_path) is migrated correctly.
  const schema = engine === 'postgres'
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
  const result = only ? await migrator.migrateTo(only) : await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(result.error as Error).message}`, { cause: result.error });
  }
  return result;
}
