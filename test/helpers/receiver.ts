// A real local HTTP receiver for webhook deliveries, answering as told.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** When the body had arrived (epoch ms). */
  at: number;
}

/** `answers`: status codes for the first requests, then 200. `delayMs`: how long each answer takes. */
export async function startReceiver(t: TestContext, answers: number[] = [], options: { delayMs?: number } = {}) {
  const received: Received[] = [];
  // The most requests that were ever in flight at once.
  const load = { inFlight: 0, maxInFlight: 0 };
  const server = createServer((request, response) => {
    load.inFlight += 1;
    load.maxInFlight = Math.max(load.maxInFlight, load.inFlight);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      setTimeout(() => {
        load.inFlight -= 1;
        response.statusCode = answers.shift() ?? 200;
        response.end('ok');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    // The dispatcher's HTTP client keeps connections alive; close would wait for them.
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, received, load };
}

/** A receiver that accepts connections and never answers: it holds every one until the test ends. */
export async function startSilentReceiver(t: TestContext) {
  const held = new Set<Socket>();
  const server = createTcpServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
    socket.on('error', () => undefined);
  });
  let connections = 0;
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    for (const socket of held) socket.destroy();
    server.close(() => resolve());
  }));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, connections: () => connections };
}
