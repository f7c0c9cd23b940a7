// The toggle endpoint's own envelope (spec 4): {success, timestamp, message},
// with the documented sentences, built from the caller's name for the door
// once the door is known to be visible, and "access point" before that.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unavailableMessage, unexpectedMessage } from './errors.ts';
import { unixNow } from './format.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which error envelope the route answers in; the default is {"errors": [...]}. */
    envelope?: 'toggle';
    /** The route answers within this long of arriving (ms), its authentication included. */
    answerWithinMs?: number;
  }
}

export function usesToggleEnvelope(request: FastifyRequest): boolean {
  return request.routeOptions.config?.envelope === 'toggle';
}

export function toggleMessage(status: number, doorName: string | undefined, sentence: string): string {
  const name = doorName ?? 'access point';
  switch (status) {
    case 400: return `Error communicating with ${name}. Malformed Request. (400)`;
    case 401: return 'Error communicating with access point. Authentication error. (401)';
    case 404: return `Sorry, your ${name} can't be found. Please unplug the ${name} and then plug it back in.`;
    case 428: return `Your ${name} requires pairing a door sensor before the request can be processed. (428)`;
    case 501: return `Error communicating with ${name}. Not Implemented error. (501)`;
    case 500: return unexpectedMessage;
    case 503: return unavailableMessage;
    default: return sentence;
  }
}

export function sendToggleError(reply: FastifyReply, status: number, doorName: string | undefined, sentence: string) {
  return reply.code(status).send({ success: false, timestamp: unixNow(), message: toggleMessage(status, doorName, sentence) });
}
