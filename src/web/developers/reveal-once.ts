// A secret shown once (a client secret, a webhook signing secret and API key):
// the POST that makes it redirects (303) to the page that shows it, and the
// secret rides along in a cookie sealed with the server's key, for that
// person and that page only, read and cleared by the first GET. It is never
// stored (the database keeps hashes or sealed values), never in a URL, and a
// reload of the page, or any later visit, no longer shows it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Box } from '../../security/encryption.ts';

const cookieName = 'parqex_reveal';
const cookiePath = '/developers';
/** Long enough for the redirect; a value never read is gone soon after. */
const maxAgeSeconds = 60;

export interface Revealed {
  /** What the secrets are, said above them. */
  title: string;
  items: [label: string, value: string][];
}

interface Sealed extends Revealed {
  personId: string;
  /** The page path that may show it. */
  page: string;
  /** Unix ms: the cookie's own age limit, also enforced inside the seal. */
  until: number;
}

export function revealOnNextPage(reply: FastifyReply, box: Box, secure: boolean, to: { personId: string; page: string }, revealed: Revealed) {
  const sealed: Sealed = { ...revealed, ...to, until: Date.now() + maxAgeSeconds * 1000 };
  reply.setCookie(cookieName, box.seal(JSON.stringify(sealed)), { path: cookiePath, httpOnly: true, sameSite: 'strict', secure, maxAge: maxAgeSeconds });
  return reply.redirect(to.page, 303);
}

/** The secrets for this person on this page, once; the cookie is cleared whatever it held. */
export function takeRevealed(request: FastifyRequest, reply: FastifyReply, box: Box, personId: string): Revealed | undefined {
  const raw = request.cookies[cookieName];
  if (!raw) return undefined;
  reply.clearCookie(cookieName, { path: cookiePath });
  try {
    const sealed = JSON.parse(box.open(raw)) as Sealed;
    const page = request.url.split('?')[0];
    if (sealed.personId !== personId || sealed.page !== page || sealed.until < Date.now()) return undefined;
    return { title: sealed.title, items: sealed.items };
  } catch {
    return undefined;
  }
}
