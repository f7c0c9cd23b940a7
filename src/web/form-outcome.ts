// A form's work, and its refusals answered by going back to the form
// (POST-redirect-GET, src/web/flash.ts): by default what the person can fix
// (invalid) or wait out (rate_limited); a page may say others. Anything else
// is the error handler's.
import { DomainError, errorCodes, type ErrorCode } from '../access/errors.ts';
import type { Flash } from './flash.ts';
import { html, type Html } from './html.ts';

export type Attempt<T> = { value: T; refused?: undefined } | { refused: Flash };

export interface FormRefusal {
  /** What was typed, given back to the form (never passwords or PINs). */
  values?: Record<string, string>;
  /** The field to mark whatever the refusal names: a form of one field. */
  field?: string;
  /** The codes said on the form instead of invalid and rate_limited. */
  codes?: readonly ErrorCode[];
}

const fixable: readonly ErrorCode[] = ['invalid', 'rate_limited'];

/** For a form whose every refusal is said on the page (a door that will not move…): all but not found, which stays the error page's 404. */
export const allButNotFound: readonly ErrorCode[] = errorCodes.filter((code) => code !== 'not_found');

/** Runs a form's work; a refusal comes back as the form's flash: the message, the field it concerns, what was typed. */
export async function attempt<T>(work: () => Promise<T>, refusal: FormRefusal = {}): Promise<Attempt<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    if (!(error instanceof DomainError) || !(refusal.codes ?? fixable).includes(error.code)) throw error;
    return { refused: { error: error.message, field: refusal.field ?? error.field, values: refusal.values } };
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
