// In production every cookie is Secure, and this server speaks plain http
// only: TLS ends at a proxy, and a request counts as https only when that
// proxy is trusted (PARQEX_TRUST_PROXY) and says so (X-Forwarded-Proto). A
// browser step that arrives otherwise cannot keep a sign-in (oidc-provider
// refuses to set its cookies at all), so it gets a page that names the
// deployment problem instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorPage } from './error-page.ts';
import { sendPage } from './index.ts';

/** Answers a request that came over plain http and returns true; false for https. */
export type PlainHttpRefusal = (request: FastifyRequest, reply: FastifyReply) => boolean;

export function plainHttpRefusal(sandbox: boolean): PlainHttpRefusal {
  const page = errorPage(sandbox, 'This page needs a secure connection',
    'This request reached ParqEx over plain http, but signing in needs https.',
    'For the operator: TLS must end at a proxy in front of ParqEx, and ParqEx must trust that proxy (set PARQEX_TRUST_PROXY) so that it reads X-Forwarded-Proto: https.');
  return (request, reply) => {
    if (request.protocol === 'https') return false;
    sendPage(reply.code(400), page);
    return true;
  };
}
