// The headers of the pages whose path is the credential (/g/ guest pages,
// /u/ unit links): every answer, refusals included, stays out of referrers,
// caches and search engines, and runs no script at all.
import type { FastifyReply } from 'fastify';

export const privateCsp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function privateHeaders(reply: FastifyReply): void {
  reply.header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex, nofollow').header('cache-control', 'no-store')
    .header('content-security-policy', privateCsp);
}
