// `parqex clock advance 2h`: moves the running development server's manual
// clock (POST /_sandbox/clock), which then runs what fell due. The server is
// found at PARQEX_PUBLIC_URL (by default http://localhost:PORT), or --url.
import { parseArgs } from 'node:util';
import { DomainError } from '../access/errors.ts';
import type { Config } from '../config.ts';
import { parseAdvance, sandboxClockPath } from '../sandbox/clock-route.ts';
import { postToSandbox } from './sandbox-request.ts';

export async function clockCommand(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: 'string' } } });
  if (config.env === 'production') throw new DomainError('invalid', 'the clock moves only in development');
  const [action, amount] = positionals;
  if (action !== 'advance' || !amount || parseAdvance(amount) === undefined) {
    throw new DomainError('invalid', 'usage: parqex clock advance DURATION [--url URL], DURATION such as 90m, 2h or 1d12h');
  }
  const base = values.url ?? config.publicUrl;
  const body = await postToSandbox<{ now?: string }>(base, sandboxClockPath, { advance: amount }, `the server at ${base} has no manual clock: start it with PARQEX_CLOCK=manual in development`);
  process.stdout.write(`now ${body.now} UTC\n`);
  return 0;
}
