// The person's own sections (Doors, History, Vehicles, Applications), one file
// each, in the signed-in frame (src/web/app-layout.ts); and signing out.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../index.ts';
import { applicationPages } from './applications.ts';
import { doorPages } from './doors.ts';
import { historyPage } from './history.ts';
import { logoutRoute } from './logout.ts';
import { vehiclePages } from './vehicles.ts';

const doorsScript = readFileSync(new URL('./doors.js', import.meta.url));

export async function accountPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/assets/doors.js', { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(doorsScript));
  await app.register(doorPages, deps);
  await app.register(historyPage, deps);
  await app.register(vehiclePages, deps);
  await app.register(applicationPages, deps);
  await app.register(logoutRoute, deps);
}
