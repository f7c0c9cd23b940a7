// A TCP proxy on a free loopback port, for breaking a service on purpose
// without touching the shared one: cut() drops every connection like a
// restarted server or a pg_terminate_backend, freeze() stops the bytes
// without closing anything like a dead network path.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Destroys every connection and refuses new ones (accepted, then closed at once) until restore(). */
  cut(): void;
  /** Forwards nothing, in either direction, and closes nothing; new connections are held unanswered. */
  freeze(): void;
  /** Forwards again; connections held while frozen go on where they stopped. */
  restore(): void;
  close(): Promise<void>;
}

type Mode = 'open' | 'cut' | 'frozen';

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'open';
  const pairs = new Set<[Socket, Socket]>();

  const server = createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    if (mode === 'frozen') pause(pair);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as { port: number }).port,
    cut() {
      mode = 'cut';
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    freeze() {
      mode = 'frozen';
      for (const pair of pairs) pause(pair);
    },
    restore() {
      const wasFrozen = mode === 'frozen';
      mode = 'open';
      if (!wasFrozen) return;
      for (const [client, upstream] of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.resume();
      }
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Unpiped and paused, each side's bytes wait in its socket's buffer; nothing is read, written or closed. */
function pause([client, upstream]: [Socket, Socket]): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
