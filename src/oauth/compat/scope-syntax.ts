// Spec 3, Scopes: "Scopes are sent comma-separated and are case-insensitive
// (scope=OPENDOOR,closedoor); space-separated scopes (RFC 6749) are accepted
// too, and empty items are ignored."
export function normalizeScope(raw: string): string {
  const items = raw.toLowerCase().split(/[,\s]+/).filter(Boolean);
  return [...new Set(items)].join(' ');
}

/**
 * Rewrites only the `scope` items of a raw query string, leaving every other
 * byte alone: `state` must come back exactly as sent (spec 3, step 1).
 */
export function normalizeScopeInQuery(rawQuery: string): string {
  return rawQuery.split('&').map((item) => {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (decodeComponent(name) !== 'scope' || eq === -1) return item;
    return `scope=${encodeURIComponent(normalizeScope(decodeComponent(item.slice(eq + 1))))}`;
  }).join('&');
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
