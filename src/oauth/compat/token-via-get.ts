// Spec 3, step 3: the documented token request is a GET with every parameter
// in the query string. "The server takes parameters from the query string and
// from a form body, on GET and on POST, and merges them", and "at the token
// endpoint, parameter values are trimmed".
export type ParameterLists = Map<string, string[]>;

export function collectParameters(rawQuery: string, body: unknown): ParameterLists {
  const lists: ParameterLists = new Map();
  const add = (name: string, value: string) => {
    const list = lists.get(name) ?? [];
    list.push(value.trim());
    lists.set(name, list);
  };
  for (const [name, value] of new URLSearchParams(rawQuery)) add(name, value);
  if (body && typeof body === 'object') {
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string') add(name, item);
      }
    }
  }
  return lists;
}
