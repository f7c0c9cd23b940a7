// Schemas of what the pages' forms post and of their path parameters. Every
// field is a string with a longest accepted length, so a crafted post never
// reaches the rules with megabytes of text; every form carries its CSRF token.

const CSRF_TOKEN_MAX = 500;

/** A field: the longest string accepted, or a schema of its own (an enum, a list). */
type Field = number | Record<string, unknown>;

export function formBody(fields: Record<string, Field>, required: string[] = []) {
  const properties = Object.fromEntries(Object.entries({ ...fields, _csrf: CSRF_TOKEN_MAX })
    .map(([name, field]) => [name, typeof field === 'number' ? { type: 'string', maxLength: field } : field]));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

/** One required path parameter, such as a door's id in /account/doors/:id. */
export function pathParam(name: string, maxLength: number) {
  return { type: 'object', properties: { [name]: { type: 'string', maxLength } }, required: [name] };
}
