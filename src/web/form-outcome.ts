// The refusals a form answers by going back to itself (POST-redirect-GET,
// src/web/flash.ts): what the person can fix (invalid) or wait out
// (rate_limited). Anything else is the error handler's.
import { DomainError } from '../access/errors.ts';
import { FieldError } from '../access/login-input.ts';
import type { Flash } from './flash.ts';
import { html, type Html } from './html.ts';

export type Attempt<T> = { value: T; refused?: undefined } | { refused: Flash };

export async function attempt<T>(work: () => Promise<T>, values?: Record<string, string>): Promise<Attempt<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    if (!(error instanceof DomainError) || (error.code !== 'invalid' && error.code !== 'rate_limited')) throw error;
    return { refused: { error: error.message, field: error instanceof FieldError ? error.field : undefined, values } };
  }
}

/** Marks the field a refusal concerns, pointing at the message at the top. */
export function invalidMark(flash: Flash | undefined, field: string): Html | string {
  return flash?.error && flash.field === field ? html` aria-invalid="true" aria-describedby="flash"` : '';
}

/** What the person typed into a field, given back after a refusal. */
export function typed(flash: Flash | undefined, field: string, fallback = ''): string {
  return flash?.values?.[field] ?? fallback;
}

/** The previous form's outcome at the top of a page outside the signed-in frame. */
export function flashMessage(flash: Flash | undefined): Html | string {
  if (flash?.error) return html`<p class="error" role="alert" id="flash">${flash.error}</p>`;
  if (flash?.info) return html`<p class="notice" role="status" id="flash">${flash.info}</p>`;
  return '';
}
