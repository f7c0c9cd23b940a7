// Where to go after signing in (`/login?next=...`): only a path on this site.
// "//host", "/\host" and control characters are refused, since browsers read
// them as another origin or strip them.
export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\x00-\x1f\x7f]/.test(value)) return undefined;
  const base = 'http://next.invalid';
  return new URL(value, base).origin === base ? value : undefined;
}
