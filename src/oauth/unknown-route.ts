// oidc-provider leaves a path under its prefix that is none of its routes to
// Koa, which answers a bare text "Not Found". The authorization server
// answers in RFC 6749's shape everywhere, that 404 included.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { fallbackAnswer } from '../fallback-answers.ts';

export async function unknownRoute(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.status !== 404 || ctx.body !== undefined) return;
  const answer = fallbackAnswer('oauth', 404, false);
  ctx.status = 404;
  ctx.type = answer.contentType;
  ctx.body = answer.body;
}
