// Reads a server-sent events stream the way EventSource does, for tests: each
// event's name and parsed data, in order, until the test stops it.
import type { Browser } from './browser.ts';

export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface OpenStream {
  status: number;
  contentType: string | null;
  events: StreamEvent[];
  /** Resolves once an event satisfying `match` has arrived (or rejects after `timeoutMs`). */
  waitFor(match: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
}

export async function openStream(browser: Browser, path: string): Promise<OpenStream> {
  const url = new URL(path, browser.baseUrl).toString();
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie: await browser.jar.getCookieString(url), accept: 'text/event-stream' }, redirect: 'manual', signal: controller.signal });
  const events: StreamEvent[] = [];
  const listeners = new Set<() => void>();
  let ended: Promise<void> = Promise.resolve();
  if (response.ok && response.body) {
    ended = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const lines = block.split('\n');
            const name = lines.find((line) => line.startsWith('event: '))?.slice(7);
            const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
            if (name) events.push({ event: name, data: JSON.parse(data) });
            for (const listener of listeners) listener();
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  } else {
    await response.body?.cancel();
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    waitFor(match, timeoutMs = 8000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching event in time; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    close: () => controller.abort(),
    ended,
  };
}
