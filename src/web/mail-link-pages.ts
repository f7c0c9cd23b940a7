// The pages around a mailed single-use link: "check your email" after asking
// for one, and a used, expired or unknown link answered with a page saying so
// and what to do next, rather than the generic "not found".
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../access/errors.ts';
import { expiredLinkMessage, unknownLinkMessage, usedLinkMessage } from '../access/mail-links.ts';
import { errorPage } from './error-page.ts';
import { takeFlash } from './flash.ts';
import { flashMessage } from './form-outcome.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { sendPage, type WebDeps } from './index.ts';

const linkMessages = new Set([usedLinkMessage, expiredLinkMessage, unknownLinkMessage]);

export function answerUnusableLinks(app: FastifyInstance, sandbox: boolean, nextStep: string): void {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DomainError && error.code === 'not_found' && linkMessages.has(error.message)) {
      return sendPage(reply.code(410), errorPage(sandbox, 'This link cannot be used', error.message, nextStep));
    }
    throw error;
  });
}

/** After a link was asked for: what was sent (the form's flash), or `sent` when the page is opened again. */
export function checkYourEmailPage(deps: Pick<WebDeps, 'sandbox' | 'devMailbox'>, request: FastifyRequest, reply: FastifyReply, sent: string, askAgain: string) {
  const flash = takeFlash(request, reply);
  return sendPage(reply, layout({ title: 'Check your email', sandbox: deps.sandbox }, html`
<h1>Check your email</h1>
${flashMessage(flash ?? { info: sent })}
<p class="muted">No email within a few minutes? Check your spam folder, or <a href="${askAgain}">ask again</a>.</p>
${deps.devMailbox ? html`<p class="muted">Development: the mail is in the <a href="/dev/mailbox">mailbox</a>.</p>` : ''}`));
}
