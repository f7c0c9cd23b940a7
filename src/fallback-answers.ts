// The answers Fastify and Node give by themselves (no route, a path that is
// not UTF-8, a path parameter over its limit, headers over Node's 16 KB, a
// method nobody knows, malformed HTTP), written in the shape of the surface
// the path belongs to. None repeats the URL: a mistyped token URL carries the
// client secret in its query.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError } from 'fastify';
import { surfaceOf, type Surface } from './surface.ts';
import { answerIn, type ErrorAnswer } from './errors/answers.ts';
import { unixNow } from './api/format.ts';

const sentences: Record<number, { title: string; message: string }> = {
  400: { title: 'Bad request', message: 'The request could not be understood: the path must be valid percent-encoded UTF-8.' },
  404: { title: 'Not found', message: 'There is nothing at this address.' },
  408: { title: 'Request timeout', message: 'The request took too long to arrive.' },
  414: { title: 'Address too long', message: 'A part of the path is longer than any this server accepts.' },
  431: { title: 'Request too large', message: 'The request headers are larger than the 16 KB this server accepts.' },
  500: { title: 'Something went wrong', message: 'The server encountered an unexpected condition. Please try again.' },
  501: { title: 'Not supported', message: 'The request method is not one this server supports.' },
};

export function fallbackAnswer(surface: Surface, status: number, sandbox: boolean): ErrorAnswer {
  const { title, message } = sentences[status] ?? sentences[400]!;
  return answerIn(surface, { status, title, message }, { sandbox, timestamp: unixNow() });
}

// Only what is used of Fastify's request and reply: `frameworkErrors` hands them over in generic types.
interface RequestPart {
  url: string;
  method: string;
  log: FastifyBaseLogger;
}
interface ReplyPart {
  code(status: number): this;
  type(contentType: string): this;
  header(name: string, value: string): this;
  // Fastify types the body from the route's schema, unknown here: any body goes.
  send(...body: any[]): unknown;
}

function send(reply: ReplyPart, answer: ErrorAnswer) {
  return reply.code(answer.status).type(answer.contentType).header('cache-control', 'no-store').send(answer.body);
}

/** Fastify's `frameworkErrors`, the root not-found handler and Node's `clientError` handler. */
export function fallbackHandlers(sandbox: boolean) {
  return {
    notFound: (request: RequestPart, reply: ReplyPart) => send(reply, fallbackAnswer(surfaceOf(request.url, request.method), 404, sandbox)),

    frameworkErrors: (error: FastifyError, request: RequestPart, reply: ReplyPart) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : error.code === 'FST_ERR_BAD_URL' ? 400 : 500;
      if (status === 500) request.log.error({ err: error }, 'request failed before routing');
      return send(reply, fallbackAnswer(surfaceOf(request.url, request.method), status, sandbox));
    },

    /**
     * Node's parser refused the request before Fastify saw it. The request
     * line, when still in the refused packet, says which surface it was for;
     * without it the API envelope is the answer.
     */
    clientError: (error: Error & { code: string; rawPacket?: unknown }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_INVALID_METHOD' ? 501 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1', 0, 8192) : '';
      // The path alone decides the surface, and comes first: a request line cut short by a long query still names it.
      const [, method, target] = /^([!-~]+) (\/[^\s?#]*)/.exec(packet) ?? [];
      const answer = fallbackAnswer(method === undefined || target === undefined ? 'api' : surfaceOf(target, method), status, sandbox);
      if (socket.writable) {
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${answer.contentType}\r\nContent-Length: ${Buffer.byteLength(answer.body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${answer.body}`);
      } else {
        socket.destroy();
      }
    },
  };
}
