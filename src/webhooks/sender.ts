// Sends one delivery: a POST with a short timeout, no redirects followed, at
// most a small excerpt of the answer read, and a connection only to addresses
// the SSRF guard allows, checked as the socket connects.
import { Agent, request } from 'undici';
import { connectLookup, type Lookup } from './ssrf-guard.ts';

export interface SendOutcome {
  /** Null when no answer came (timeout, refused connection, refused destination). */
  status: number | null;
  excerpt: string | null;
  error: string | null;
}

export interface Sender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome>;
  close(): Promise<void>;
}

const RESPONSE_EXCERPT_BYTES = 2048;

export function createSender(options: { production: boolean; lookup?: Lookup; timeoutMs: number }): Sender {
  const agent = new Agent({
    connect: { lookup: connectLookup(options), timeout: options.timeoutMs },
    // Idle connections close soon: receivers are many and mostly quiet.
    keepAliveTimeout: 1000,
  });
  return {
    async send(url, headers, body) {
      try {
        // undici's request never follows redirects: a 3xx is an answer, and a failure.
        const response = await request(url, { method: 'POST', headers, body, dispatcher: agent, signal: AbortSignal.timeout(options.timeoutMs) });
        return { status: response.statusCode, excerpt: await readExcerpt(response.body), error: null };
      } catch (error) {
        return { status: null, excerpt: null, error: describe(error) };
      }
    },
    close: () => agent.close(),
  };
}

/** A receiver cannot make us buffer a large body: read the start, drop the rest. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_EXCERPT_BYTES) break;
    }
  } catch {
    // A body cut short still leaves what was read.
  } finally {
    body.destroy();
  }
  return size === 0 ? null : Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 300);
}
