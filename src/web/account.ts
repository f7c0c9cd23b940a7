// The person's account page; issue "Access+ domain" grows it (applications, doors).
import type { FastifyInstance } from 'fastify';
import { personAccounts, personProfile } from '../access/people.ts';
import { endWebSession, personForWebSession } from '../access/web-sessions.ts';
import { providerSessionCookie } from '../oauth/interactions.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { sendPage, webSessionCookie, webSessionId, type WebDeps } from './index.ts';

export async function accountPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const personId = await personForWebSession(deps.db, webSessionId(request));
    if (!personId) return reply.redirect('/login', 303);
    const [person, accounts] = await Promise.all([personProfile(deps.db, personId), personAccounts(deps.db, personId)]);
    return sendPage(reply, layout({ title: 'Your account', sandbox: deps.sandbox }, html`
<h1>${person.firstName} ${person.lastName}</h1>
<p class="muted">${person.email}</p>
<h2>Accounts</h2>
<ul>${accounts.map((account) => html`<li>${account.name} (${account.role === 'admin' ? 'Admin' : 'User'})</li>`)}</ul>
<form method="post" action="/logout">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <button type="submit" class="secondary">Sign out</button>
</form>`));
  });

  // Signing out ends the web session and the authorization server's browser
  // session; tokens already given to applications live on (spec 3, Lifetimes).
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
