// A small round-robin HTTP proxy: each request (not each connection, since
// clients keep connections alive) goes to the next backend in turn, so the
// steps of one flow land on different processes. It records which backend
// served each request.
import { createServer, request as httpRequest } from 'node:http';
import type { TestContext } from 'node:test';

export interface Routed {
  method: string;
  path: string;
  backend: number;
  status: number;
}

export async function startRoundRobinProxy(t: TestContext, port: number, backends: string[]) {
  const routed: Routed[] = [];
  let next = 0;
  const server = createServer((incoming, outgoing) => {
    const backend = next;
    next = (next + 1) % backends.length;
    const target = new URL(backends[backend]!);
    const forward = httpRequest({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      routed.push({ method: incoming.method!, path: incoming.url!.split('?')[0]!, backend, status: answer.statusCode ?? 0 });
      outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(outgoing);
    });
    forward.on('error', () => {
      outgoing.writeHead(502).end();
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${port}`, routed };
}
