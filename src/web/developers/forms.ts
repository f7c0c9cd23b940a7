// What the developer console's pages share: form fields that show a refusal
// (what was typed, the field marked), and times in the person's own zone, named.
import { html, type Html } from '../html.ts';
import type { Flash } from '../flash.ts';

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
