// A mailed link that is used, expired or unknown gets a page saying so and
// what to do next, rather than the generic "not found".
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../access/errors.ts';
import { expiredLinkMessage, unknownLinkMessage, usedLinkMessage } from '../access/mail-links.ts';
import { errorPage } from './error-page.ts';
import { sendPage } from './index.ts';

const linkMessages = new Set([usedLinkMessage, expiredLinkMessage, unknownLinkMessage]);

export function answerUnusableLinks(app: FastifyInstance, sandbox: boolean, nextStep: string): void {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DomainError && error.code === 'not_found' && linkMessages.has(error.message)) {
      return sendPage(reply.code(410), errorPage(sandbox, 'This link cannot be used', error.message, nextStep));
    }
    throw error;
  });
}
