// Signing out ends the web session and the authorization server's browser
// session; tokens already given to applications live on (spec 3, Lifetimes).
import type { FastifyInstance } from 'fastify';
import { endWebSession } from '../../access/web-sessions.ts';
import { providerSessionCookie } from '../../oauth/interactions.ts';
import { webSessionCookie, webSessionId, type WebDeps } from '../index.ts';

export async function logoutRoute(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.post('/logout', { schema: { hide: true }, preHandler: app.csrfProtection }, async (request, reply) => {
    await endWebSession(deps.db, webSessionId(request));
    const providerSession = request.cookies[providerSessionCookie];
    if (providerSession) await deps.interactions.endSession(providerSession);
    for (const name of [webSessionCookie, providerSessionCookie, `${providerSessionCookie}.sig`]) {
      reply.clearCookie(name, { path: '/' });
    }
    return reply.redirect('/login', 303);
  });
}
