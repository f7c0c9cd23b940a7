// Request logs without secrets: a query string may carry one (the legacy
// token request sends the client secret there, and a mistyped URL of it
// reaches no route at all), so every query value is redacted whatever the
// path, keeping only the parameter names; credentials headers are never written.
import type { FastifyBaseLogger } from 'fastify';
import pino, { type DestinationStream } from 'pino';

// An invitation link and the mailed links (sign-up, password reset, email
// change: src/access/mail-links.ts) are single-use secrets, and a guest pass
// (/g/), unit link (/u/) or booking page (/p/) is its path: redacted there.
const LINK_TOKEN = /((?:\/|%2f)(?:invitations|signup|password-reset|account(?:\/|%2f)email|g|u|p)(?:\/|%2f))[^/?#&]+/gi;

export function redactUrl(url: string): string {
  const [path = '', query] = url.split(/\?(.*)/s);
  const redactedPath = path.replace(LINK_TOKEN, '$1[redacted]');
  if (query === undefined) return redactedPath;
  // A name alone (`?abc123`) may be the secret itself.
  const pairs = query.split('&').map((pair) => (pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=[redacted]` : '[redacted]'));
  return `${redactedPath}?${pairs.join('&')}`;
}

export function createLogger(level: string, stream?: DestinationStream): FastifyBaseLogger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; hostname?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  }, stream ?? pino.destination(1));
}
