// What the developer console's pages share: form fields that show a refusal
// (what was typed, the field marked), times in the person's own zone, named,
// and the question asked before a destructive action.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { html, type Html } from '../html.ts';
import type { Flash } from '../flash.ts';
import { formBody } from '../form-schemas.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage, signedInPerson } from '../signed-in.ts';

/** A labelled input (or textarea) that shows a refusal: its typed value back, marked invalid and described by the message. */
export function field(flash: Flash | undefined, spec: { name: string; label: string; value?: string; type?: string; hint?: string; required?: boolean; textarea?: boolean; maxlength: number; autocomplete?: string }): Html {
  const id = `f-${spec.name}`;
  const invalid = flash?.field === spec.name;
  const value = flash?.values?.[spec.name] ?? spec.value ?? '';
  const described = [invalid ? 'flash' : '', spec.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${spec.name}" maxlength="${spec.maxlength}"${spec.required ? html` required` : ''}${invalid ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
  return html`<label for="${id}">${spec.label}${spec.required ? '' : html` <span class="muted">(optional)</span>`}</label>
${spec.textarea
    ? html`<textarea ${common} rows="4" spellcheck="false">${value}</textarea>`
    : html`<input ${common} type="${spec.type ?? 'text'}" value="${value}" autocomplete="${spec.autocomplete ?? 'off'}">`}
${spec.hint ? html`<p class="muted hint" id="${id}-hint">${spec.hint}</p>` : ''}`;
}

/** "2026-12-04 09:15:02" in the zone; the zone is named by whoever shows it. */
export function zonedTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** The shown-once box: the secrets with a warning that they will not be shown again. */
export function revealedBox(revealed: { title: string; items: [string, string][] } | undefined): Html {
  if (!revealed) return html``;
  return html`<section class="dev-reveal" aria-labelledby="reveal-title">
<h2 id="reveal-title">${revealed.title}</h2>
<p><strong>Copy ${revealed.items.length > 1 ? 'them' : 'it'} now: ParqEx shows ${revealed.items.length > 1 ? 'these' : 'this'} once.</strong> It keeps only a hash or a sealed copy; a reload of this page will not show ${revealed.items.length > 1 ? 'them' : 'it'} again.</p>
<dl class="dev-facts">${revealed.items.map(([label, value]) => html`<dt>${label}</dt><dd><code class="dev-secret">${value}</code></dd>`)}</dl>
</section>`;
}

/** A form that is only a button (with the CSRF token). */
export function buttonForm(action: string, csrf: string, label: string, options: { secondary?: boolean; danger?: boolean; ariaLabel?: string } = {}): Html {
  const cls = options.danger ? 'dev-danger' : options.secondary ? 'secondary' : '';
  return html`<form method="post" action="${action}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit"${cls ? html` class="${cls}"` : ''}${options.ariaLabel ? html` aria-label="${options.ariaLabel}"` : ''}>${label}</button></form>`;
}

/** What a confirmation needs: the subject (the person's own, else not found), the question, and the action. */
export interface Confirmation<Params, Subject> {
  /** The subject's route and its params schema; the question and the action are at `${route}/${action}`. */
  route: string;
  params: object;
  action: string;
  /** The person's subject named by the path, and the page it is shown on. */
  find: (personId: string, params: Params) => Promise<{ subject: Subject; page: string }>;
  ask: (subject: Subject) => { title: string; body: Html; button: string };
  act: (reply: FastifyReply, personId: string, subject: Subject) => Promise<unknown>;
}

/** A GET that asks "Do X?" and a POST that does it: destructive actions never happen from one click on a list. */
export function confirmation<Params extends Record<string, string>, Subject>(app: FastifyInstance, deps: WebDeps, confirm: Confirmation<Params, Subject>): void {
  const path = `${confirm.route}/${confirm.action}`;
  app.get<{ Params: Params }>(path, { schema: { hide: true, params: confirm.params } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const { subject, page } = await confirm.find(viewer.personId, request.params as Params);
    const question = confirm.ask(subject);
    return sendAppPage(deps, reply, viewer, { title: question.title, section: 'developers' }, html`
<h1>${question.title}</h1>
${question.body}
<div class="dev-actions">${buttonForm(`${page}/${confirm.action}`, viewer.csrf, question.button, { danger: true })} <a href="${page}">Cancel</a></div>`);
  });
  app.post<{ Params: Params }>(path, { schema: { hide: true, params: confirm.params, body: formBody({}) }, preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await signedInPerson(deps, request, reply);
    if (!personId) return reply;
    const { subject } = await confirm.find(personId, request.params as Params);
    return confirm.act(reply, personId, subject);
  });
}
