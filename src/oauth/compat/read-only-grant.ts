// Spec 3, Scopes: "A request without scope gets a read-only grant." Every
// authorization request carries the implicit scope (see ../scopes.ts); token
// and introspection responses leave it out, so a client sees exactly the
// scopes it asked for, or none.
import { implicitScope } from '../scopes.ts';

export function withImplicitScope(scope: string | undefined): string {
  const items = (scope ?? '').split(' ').filter(Boolean);
  return items.includes(implicitScope) ? items.join(' ') : [...items, implicitScope].join(' ');
}

export function withoutImplicitScope(scope: string | undefined): string | undefined {
  const visible = (scope ?? '').split(' ').filter((item) => item && item !== implicitScope).join(' ');
  return visible || undefined;
}
