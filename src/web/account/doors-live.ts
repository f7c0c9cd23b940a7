// GET /account/doors/live: the Doors page's live updates as server-sent
// events. Each stream asks the store once a second what its person may see
// (the same rules as the page), so a door moved through any server process,
// SQLite or PostgreSQL, shows up without a message bus. Bounded: a few streams
// per person, a heartbeat, an end after a while (EventSource reconnects, and
// the session is checked again), and an end when the client goes away.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { doorStatusText, doorViews } from '../../access/door-status.ts';
import { recentHistory } from '../../access/history.ts';
import { personTimeZone } from '../../access/settings.ts';
import { personForWebSession } from '../../access/web-sessions.ts';
import { webSessionId, type WebDeps } from '../index.ts';
import { signedInPerson } from '../signed-in.ts';
import { activityRow } from './activity.ts';

export interface LiveOptions {
  pollMs: number;
  heartbeatMs: number;
  /** How often the web session is checked: a stream stops soon after its person signs out. */
  sessionCheckMs: number;
  /** A stream ends after this long; the browser opens a new one (and its session is checked then). */
  lifetimeMs: number;
  maxStreamsPerPerson: number;
}

export const liveDefaults: LiveOptions = { pollMs: 1000, heartbeatMs: 15_000, sessionCheckMs: 3000, lifetimeMs: 10 * 60_000, maxStreamsPerPerson: 4 };

/** Events this old are looked at again each poll: a controller's report may carry a time a little behind ours. */
const LOOK_BACK_SECONDS = 5;

export function doorsLiveRoute(app: FastifyInstance, deps: WebDeps, options: LiveOptions = liveDefaults): void {
  const perPerson = new Map<string, number>();
  const open = new Set<() => void>();
  // Server shutdown waits for open connections: streams end first.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/account/doors/live', { schema: { hide: true }, compress: false }, async (request, reply) => {
    const signedIn = await signedInPerson(deps, request, reply);
    if (!signedIn) return reply;
    const personId: string = signedIn;
    if ((perPerson.get(personId) ?? 0) >= options.maxStreamsPerPerson) {
      return reply.code(429).header('retry-after', '30').type('text/plain; charset=utf-8').send('Too many live views open. Close a tab and try again.');
    }
    perPerson.set(personId, (perPerson.get(personId) ?? 0) + 1);
    reply.hijack();
    const out: ServerResponse = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    out.write('retry: 3000\n\n');

    const sessionId = webSessionId(request);
    const states = new Map<string, string>();
    const seen = new Map<string, number>();
    let since = Math.floor(deps.clock.now() / 1000) - LOOK_BACK_SECONDS;
    let ended = false;
    let polling = false;
    /** Read again at each heartbeat: a change in Settings reaches an open stream within that. */
    let timeZone: string | undefined;

    const send = (event: string, data: unknown) => {
      if (!ended) out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const poll = async () => {
      if (ended || polling) return;
      polling = true;
      try {
        const at = new Date(deps.clock.now());
        const views = await doorViews(deps.db, { personId }, at);
        const changed = views.filter((view) => states.get(view.door.id) !== view.status);
        for (const view of changed) states.set(view.door.id, view.status);
        if (changed.length > 0) send('doors', changed.map((view) => ({ id: view.door.id, state: view.status, text: doorStatusText[view.status] })));
        // Access removed or ended: the page takes the door away too.
        const visible = new Set(views.map((view) => view.door.id));
        const gone = [...states.keys()].filter((id) => !visible.has(id));
        for (const id of gone) states.delete(id);
        if (gone.length > 0) send('gone', gone);
        timeZone ??= await personTimeZone(deps.db, personId);
        const events = (await recentHistory(deps.db, { personId }, since, at)).filter((event) => !seen.has(event.id));
        for (const event of events) seen.set(event.id, event.occurredAt);
        const now = Math.floor(at.getTime() / 1000);
        since = Math.max(since, now - LOOK_BACK_SECONDS);
        for (const [id, occurredAt] of seen) if (occurredAt < since) seen.delete(id);
        // Oldest first, so the page can put each at the top as it comes.
        for (const event of events.reverse()) send('activity', activityRow(event, timeZone, personId));
      } catch (error) {
        request.log.warn({ err: error }, 'live door updates: a poll failed; the next one tries again');
      } finally {
        polling = false;
      }
    };
    const checkSession = async () => {
      if ((await personForWebSession(deps.db, sessionId).catch(() => personId)) !== personId) end();
    };

    const pollTimer = setInterval(() => void poll(), options.pollMs);
    const heartbeat = setInterval(() => {
      if (!ended) out.write(': heartbeat\n\n');
      timeZone = undefined;
    }, options.heartbeatMs);
    const sessionTimer = setInterval(() => void checkSession(), options.sessionCheckMs);
    const lifetime = setTimeout(() => end(), options.lifetimeMs);
    function end() {
      if (ended) return;
      ended = true;
      clearInterval(pollTimer);
      clearInterval(heartbeat);
      clearInterval(sessionTimer);
      clearTimeout(lifetime);
      open.delete(end);
      const left = (perPerson.get(personId) ?? 1) - 1;
      if (left > 0) perPerson.set(personId, left);
      else perPerson.delete(personId);
      out.end();
    }
    open.add(end);
    request.raw.on('close', end);
    out.on('close', end);
    await poll();
  });
}
