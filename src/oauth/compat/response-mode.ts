// The metadata advertises response_modes_supported ["query"] only (spec 3,
// metadata), yet oidc-provider always honours fragment and form_post as well,
// and would deliver its errors in them. Any other mode is set aside under
// another name, so the provider answers in the query, and the configuration
// refuses it with invalid_request once the client and redirect URI are known
// (configuration.ts, extraParams): on the redirect where that is safe.
export const setAsideResponseMode = 'unsupported_response_mode';

const advertised = 'query';

/** Renames every `response_mode` item of a raw query whose value is not `query`; other bytes stay. */
export function setAsideResponseModeInQuery(rawQuery: string): string {
  return rawQuery.split('&').map((item) => {
    const eq = item.indexOf('=');
    if (eq === -1 || decodeComponent(item.slice(0, eq)) !== 'response_mode') return item;
    return decodeComponent(item.slice(eq + 1)) === advertised ? item : `${setAsideResponseMode}${item.slice(eq)}`;
  }).join('&');
}

/** The same for an authorization request sent as a form POST. */
export function setAsideResponseModeInBody(body: Record<string, unknown>): Record<string, unknown> {
  const { response_mode: mode, ...rest } = body;
  if (mode === undefined || mode === advertised) return body;
  return { ...rest, [setAsideResponseMode]: mode };
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
