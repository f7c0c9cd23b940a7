import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { beforeDeadline } from './access/deadline.ts';
import type { Database } from './store/database.ts';
import { StoreUnavailable } from './store/unavailable.ts';

/** A database slower than this is not ready, whatever its own timeouts allow. */
const READINESS_TIMEOUT_MS = 1000;

export async function healthRoutes(app: FastifyInstance, { db }: { db: Kysely<Database> }): Promise<void> {
  app.get('/healthz', { schema: { tags: ['Operations'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['Operations'], summary: 'The database answers within 1 s' } }, async (request, reply) => {
    try {
      await beforeDeadline(Date.now() + READINESS_TIMEOUT_MS, sql`select 1`.execute(db), () => new StoreUnavailable(`no answer within ${READINESS_TIMEOUT_MS} ms`));
      return { status: 'ok' };
    } catch (error) {
      request.log.warn({ error: (error as Error).message }, 'readiness check failed');
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', reason: 'database' });
    }
  });
}
