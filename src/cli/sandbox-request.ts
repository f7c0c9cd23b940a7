// The CLI's calls to a running development server's /_sandbox/ routes.
import { DomainError } from '../access/errors.ts';

/** POSTs `body` to `path` of the server at `base`: the answer's JSON; a 404 (no such route there, or nothing it names) says `notFound`. */
export async function postToSandbox<T>(base: string, path: string, body: unknown, notFound: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new DomainError('invalid', `no server answered at ${base} (${(error as Error).message}); start \`parqex serve\` or pass --url`);
  }
  const answer = await response.json().catch(() => undefined) as (T & { errors?: { message: string }[] }) | undefined;
  if (response.status === 404) throw new DomainError('invalid', notFound);
  if (!response.ok || !answer) throw new DomainError('invalid', answer?.errors?.[0]?.message ?? `the server answered ${response.status}`);
  return answer;
}
