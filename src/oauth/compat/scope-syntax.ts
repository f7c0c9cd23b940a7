// Spec 3, Scopes: "Scopes are sent comma-separated and are case-insensitive
// (scope=OPENDOOR,closedoor); space-separated scopes (RFC 6749) are accepted
// too, and empty items are ignored."
export function normalizeScope(raw: string): string {
  const items = raw.toLowerCase().split(/[,\s]+/).filter(Boolean);
  return [...new Set(items)].join(' ');
}

/**
 * Rewrites only the `scope` items of a raw query string (adding one when there
 * is none), leaving every other byte alone: `state` must come back exactly as
 * sent (spec 3, step 1).
 */
export function rewriteScopeInQuery(rawQuery: string, rewrite: (scope: string | undefined) => string): string {
  let seen = false;
  const items = rawQuery.split('&').filter((item) => item !== '').map((item) => {
    const eq = item.indexOf('=');
    if (decodeComponent(eq === -1 ? item : item.slice(0, eq)) !== 'scope') return item;
    seen = true;
    return `scope=${encodeURIComponent(rewrite(eq === -1 ? undefined : decodeComponent(item.slice(eq + 1))))}`;
  });
  if (!seen) items.push(`scope=${encodeURIComponent(rewrite(undefined))}`);
  return items.join('&');
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
