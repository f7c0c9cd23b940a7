// `parqex clock advance 2h`: moves the running development server's manual
// clock (POST /_sandbox/clock), which then runs what fell due. The server is
// found at PARQEX_PUBLIC_URL (by default http://localhost:PORT), or --url.
import { parseArgs } from 'node:util';
import { DomainError } from '../access/errors.ts';
import type { Config } from '../config.ts';
import { parseAdvance, sandboxClockPath } from '../sandbox/clock-route.ts';

export async function clockCommand(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: 'string' } } });
  if (config.env === 'production') throw new DomainError('invalid', 'the clock moves only in development');
  const [action, amount] = positionals;
  if (action !== 'advance' || !amount || parseAdvance(amount) === undefined) {
    throw new DomainError('invalid', 'usage: parqex clock advance DURATION [--url URL], DURATION such as 90m, 2h or 1d12h');
  }
  const base = values.url ?? config.publicUrl;
  let response: Response;
  try {
    response = await fetch(new URL(sandboxClockPath, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: amount }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new DomainError('invalid', `no server answered at ${base} (${(error as Error).message}); start \`parqex serve\` or pass --url`);
  }
  if (response.status === 404) throw new DomainError('invalid', `the server at ${base} has no manual clock: start it with PARQEX_CLOCK=manual in development`);
  const body = await response.json().catch(() => undefined) as { now?: string; errors?: { message: string }[] } | undefined;
  if (!response.ok || !body?.now) throw new DomainError('invalid', body?.errors?.[0]?.message ?? `the server answered ${response.status}`);
  process.stdout.write(`now ${body.now} UTC\n`);
  return 0;
}
