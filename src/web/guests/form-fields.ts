// What the guest forms share: the field a refusal concerns, and the arrival
// and departure pair on the account's wall clock.
import type { Flash } from '../flash.ts';
import { invalidMark, typed } from '../form-outcome.ts';
import { html, type Html } from '../html.ts';

// The field a refusal's message names ("Invalid ends_at: …", "Invalid guest.email: …", "ends_at is after …").
const named = /^(?:Invalid )?(?:guest\.)?(name|email|plate|starts_at|ends_at|label|max_hours|door_ids)\b/;

/** `form.field` when the message names a field, else `form`: the page marks that field beside the message at the top. */
export function refusedField(form: string, message: string): string {
  const field = named.exec(message)?.[1];
  return field ? `${form}.${field}` : form;
}

/** The refusal of one form, with what was typed into it. */
export function refusalOf(flash: Flash | undefined, form: string): Flash | undefined {
  return flash?.field === form || flash?.field?.startsWith(`${form}.`) ? flash : undefined;
}

/** Two datetime-local fields side by side on a wide screen, given back and marked after a refusal. */
export function timeFields(form: string, labels: [string, string], flash: Flash | undefined, defaults: [string, string]): Html {
  const field = (name: 'starts_at' | 'ends_at', id: string, label: string, fallback: string) => html`<div><label for="${form}-${id}">${label}</label>
    <input id="${form}-${id}" name="${name}" type="datetime-local" required value="${typed(flash, name, fallback)}"${invalidMark(flash, `${form}.${name}`)}></div>`;
  return html`<div class="pair">
    ${field('starts_at', 'start', labels[0], defaults[0])}
    ${field('ends_at', 'end', labels[1], defaults[1])}
  </div>`;
}
