// The development mailbox (/dev/mailbox): mail the server sent, newest first,
// links clickable. Registered only while mail stays in the database; never in
// production.
import type { FastifyInstance } from 'fastify';
import { readMailbox, type MailboxEntry } from '../mail/mailbox.ts';
import { html, type Html } from './html.ts';
import { layout } from './layout.ts';
import { sendPage, type WebDeps } from './index.ts';

export async function mailboxPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  if (!deps.devMailbox) return;
  app.get('/dev/mailbox', { schema: { hide: true } }, async (_request, reply) => {
    const mail = await readMailbox(deps.db);
    return sendPage(reply, layout({ title: 'Mailbox', sandbox: deps.sandbox }, html`
<h1>Development mailbox</h1>
<p class="muted">Mail the server sent, kept here instead of leaving this machine (set SMTP_URL to send it). Newest first.</p>
${mail.length === 0 ? html`<p>No mail yet.</p>` : mail.map(letter)}`));
  });
}

function letter(entry: MailboxEntry): Html {
  return html`<article class="mail">
<h2>${entry.subject}</h2>
<p class="muted">To ${entry.to} · ${new Date(entry.sentAt * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC</p>
<pre class="mail-body">${linkify(entry.text)}</pre>
</article>`;
}

/** http(s) URLs become links; everything else stays escaped text. */
function linkify(text: string): Html[] {
  return text.split(/(https?:\/\/[^\s<>"']+)/).map((part, index) =>
    index % 2 === 1 ? html`<a href="${part}">${part}</a>` : html`${part}`);
}
