// The server-rendered pages: one file per page, CSRF and cookies set up once here.
// Their errors are answered by the root's handler (src/errors/handler.ts) as pages.
import { readFileSync } from 'node:fs';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Kysely } from 'kysely';
import type { ThrottlePolicy } from '../access/login-throttle.ts';
import type { SettingsDeps } from '../access/settings.ts';
import type { Interactions } from '../oauth/interactions.ts';
import type { ToggleDeps } from '../access/toggle-door.ts';
import type { Database } from '../store/database.ts';
import type { IdentityDeps } from '../access/identity-deps.ts';
import { accountPages } from './account/index.ts';
import { emailChangePages } from './account/email-change.ts';
import { newAccountPages } from './account/new-account.ts';
import { settingsPages } from './account/settings.ts';
import { passwordResetPages } from './password-reset.ts';
import { signUpPages } from './signup.ts';
import { developerPages } from './developers/index.ts';
import type { ClientRules } from '../oauth/clients.ts';
import type { Box } from '../security/encryption.ts';
import { consentPages } from './consent.ts';
import { loginPages } from './login.ts';
import { invitationPages } from './invitations.ts';
import { mailboxPage } from './mailbox.ts';
import { accountsPage } from './admin/accounts.ts';
import { peoplePages } from './admin/people.ts';
import { controllersPage } from './admin/controllers.ts';
import { plateReaderForms } from './admin/plate-readers.ts';
import { plateReadsPage } from './admin/plate-reads.ts';
import { accountSettingsPage } from './admin/account-settings.ts';
import { gateVehicleForms } from './admin/gate-vehicles.ts';
import type { PlainHttpRefusal } from './secure-connection.ts';
import type { EnforcerDeps } from '../access/enforcer/common.ts';
import { enforcePages } from './enforce/index.ts';
import { guestsSection } from './guests/guests-section.ts';
import { unitLinkPages } from './guests/unit-link-page.ts';
import { guestPassPages } from './guests/guest-page.ts';

export interface WebDeps {
  db: Kysely<Database>;
  /** Domain time: the instant access rules are asked about. */
  clock: Clock;
  /** Production only: browser requests must come over https (secure-connection.ts). */
  refusePlainHttp: PlainHttpRefusal | undefined;
  interactions: Interactions;
  sandbox: boolean;
  secureCookies: boolean;
  throttle: ThrottlePolicy;
  /** The person's settings (the account page's Settings form). */
  settings: SettingsDeps;
  /** Serve /dev/mailbox: mail stays in the database (development without SMTP_URL). */
  devMailbox: boolean;
  /** The Open and Close buttons of the Doors page (/account), and the developer console's sandbox button. */
  toggle: ToggleDeps;
  /** Mail, links and sessions: sign-up, password reset, email change, signing out everywhere; also the mailer and link origin of the People page's invitations and the guest passes. */
  identity: IdentityDeps;
  /** The developer console: client registration rules, and the key that seals webhook secrets and shown-once values. */
  developers: { rules: ClientRules; box: Box };
  /** The patrol pages (/enforce): the Enforcer's rules, and where evidence photos are kept. */
  enforcer: EnforcerDeps;
}

export const webSessionCookie = 'parqex_web_session';

const stylesheet = readFileSync(new URL('./parqex.css', import.meta.url));
const favicon = readFileSync(new URL('./favicon.svg', import.meta.url));

export async function webPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { refusePlainHttp } = deps;
  if (refusePlainHttp) {
    app.addHook('onRequest', async (request, reply) => {
      // The stylesheet sets no cookie, and the refusal page itself uses it.
      if (request.url.startsWith('/assets/')) return;
      if (refusePlainHttp(request, reply)) return reply;
    });
  }
  await app.register(csrf, {
    cookieKey: 'parqex_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, signed: true },
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf,
  });

  app.get('/assets/parqex.css', { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet));
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/account', 303));
  app.get('/favicon.svg', { schema: { hide: true } }, (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon));
  // Browsers ask for /favicon.ico by themselves; every current one follows this to the SVG.
  app.get('/favicon.ico', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'public, max-age=86400').redirect('/favicon.svg', 301));

  await app.register(loginPages, deps);
  await app.register(consentPages, deps);
  await app.register(accountPages, deps);
  await app.register(invitationPages, deps);
  await app.register(mailboxPage, deps);
  await app.register(signUpPages, deps);
  await app.register(passwordResetPages, deps);
  await app.register(settingsPages, deps);
  await app.register(emailChangePages, deps);
  await app.register(newAccountPages, deps);
  await app.register(developerPages, deps);
  await app.register(accountsPage, deps);
  await app.register(peoplePages, deps);
  await app.register(controllersPage, deps);
  await app.register(plateReaderForms, deps);
  await app.register(plateReadsPage, deps);
  await app.register(accountSettingsPage, deps);
  await app.register(gateVehicleForms, deps);
  await app.register(enforcePages, deps);
  await app.register(guestsSection, deps);
  await app.register(unitLinkPages, deps);
  await app.register(guestPassPages, deps);
}

export function sendPage(reply: FastifyReply, page: string) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

export function webSessionId(request: FastifyRequest): string | undefined {
  const raw = request.cookies[webSessionCookie];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? (unsigned.value ?? undefined) : undefined;
}

export function setWebSession(reply: FastifyReply, id: string, secure: boolean, maxAge: number): void {
  reply.setCookie(webSessionCookie, id, { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge });
}
