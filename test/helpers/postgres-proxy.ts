// A test server whose PostgreSQL connections all go through a TCP proxy the
// test can cut, freeze and restore (test/helpers/tcp-proxy.ts), in a schema of
// its own; and the checks an outage test makes of it.
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import mqtt from 'mqtt';
import { controllerClientId } from '../../src/devices/protocol.ts';
import { freshPostgresUrl, startServer } from './build-app.ts';
import { startTcpProxy } from './tcp-proxy.ts';

export async function serverBehindProxy(t: TestContext, overrides: Record<string, string> = {}) {
  const { url, drop } = await freshPostgresUrl();
  const target = new URL(url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(url);
  proxied.host = `127.0.0.1:${proxy.port}`;
  // Names this server's sessions, so a test can terminate them and no other suite's.
  const applicationName = `parqex-outage-${randomBytes(4).toString('hex')}`;
  proxied.searchParams.set('application_name', applicationName);
  // Registered first, run last: the server closes while the proxy still forwards.
  t.after(async () => {
    await proxy.close();
    await drop();
  });
  t.after(() => proxy.restore());
  const server = await startServer(t, 'postgres', { DATABASE_URL: proxied.toString(), ...overrides });
  return { ...server, proxy, applicationName };
}

/** Whether an MQTT broker still answers a CONNECT (with a CONNACK, whatever its verdict). */
export async function brokerAnswers(url: string): Promise<boolean> {
  try {
    // Under its own client id, so the broker asks the database (a foreign client id is refused before that).
    const client = await mqtt.connectAsync(url, { clientId: controllerClientId('no-such-controller'), username: 'no-such-controller', password: 'x', reconnectPeriod: 0, connectTimeout: 3000 });
    await client.endAsync();
    return true;
  } catch (error) {
    return typeof (error as { code?: unknown }).code === 'number';
  }
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}
