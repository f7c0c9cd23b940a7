// Request logs without secrets: the legacy token request carries the client
// secret in its query string, so OAuth URLs lose their queries, and
// credentials headers are never written.
import type { FastifyBaseLogger } from 'fastify';
import pino, { type DestinationStream } from 'pino';

const OAUTH_PATH = /^\/oauth\/v2\//;

// An invitation link is a single-use secret: redacted in its path and where it is carried as ?next=.
const INVITATION_TOKEN = /((?:\/|%2f)invitations(?:\/|%2f))[^/?#&]+/gi;

export function redactUrl(url: string): string {
  const [path, query] = url.replace(INVITATION_TOKEN, '$1[redacted]').split(/\?(.*)/s);
  if (query === undefined) return path ?? url;
  return OAUTH_PATH.test(path ?? '') ? `${path}?[redacted]` : `${path}?${query}`;
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
