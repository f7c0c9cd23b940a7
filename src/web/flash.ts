// POST-redirect-GET for every form: a form's outcome (done, or refused with
// what was typed) rides to the next GET in a short-lived signed cookie, so a
// reload never sends a form again and the message is said once, at the top.
import type { FastifyReply, FastifyRequest } from 'fastify';

const cookieName = 'parqex_flash';
/** Long enough for the redirect, short enough that a message never surfaces on a later visit. */
const maxAgeSeconds = 60;
/** A cookie is at most 4 KiB; what was typed is dropped rather than the message. */
const maxValuesBytes = 2_000;

export interface Flash {
  info?: string;
  error?: string;
  /** Which form or field the error concerns, so the page can show it beside it and focus it. */
  field?: string;
  /** What the person typed, given back to the refused form (never passwords or PINs). */
  values?: Record<string, string>;
}

export function setFlash(reply: FastifyReply, flash: Flash, secure: boolean): void {
  const values = flash.values && JSON.stringify(flash.values).length <= maxValuesBytes ? flash.values : undefined;
  reply.setCookie(cookieName, JSON.stringify({ ...flash, values }), { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: maxAgeSeconds });
}

/** Redirects (303) to `to` with the outcome said there. */
export function redirectWith(reply: FastifyReply, to: string, flash: Flash, secure: boolean) {
  setFlash(reply, flash, secure);
  return reply.redirect(to, 303);
}

/** Reads and clears the outcome of the previous form, if any. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash | undefined {
  const raw = request.cookies[cookieName];
  if (!raw) return undefined;
  reply.clearCookie(cookieName, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  try {
    const parsed = JSON.parse(unsigned.value) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { info, error, field, values } = parsed as Record<string, unknown>;
    return {
      info: typeof info === 'string' ? info : undefined,
      error: typeof error === 'string' ? error : undefined,
      field: typeof field === 'string' ? field : undefined,
      values: isStringRecord(values) ? values : undefined,
    };
  } catch {
    return undefined;
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string');
}
