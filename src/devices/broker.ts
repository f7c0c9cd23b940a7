// The embedded MQTT broker (aedes) of the default single-process setup. It
// signs controllers in with their id and secret and keeps each to its own
// topics; the platform's own client signs in with a per-process credential.
import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Aedes, type Client } from 'aedes';
import type { Kysely } from 'kysely';
import { generateSecret, secretMatches } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { deviceSecrets, findDeviceSecret } from '../store/repositories/devices.ts';
import { packetSizeGuard } from './packet-size-guard.ts';
import { controllerClientId, parseTopic, topic } from './protocol.ts';

export interface EmbeddedBroker {
  port: number;
  /** Credentials of the platform's own client. */
  platform: { username: string; password: string };
  close(): Promise<void>;
}

const PLATFORM_USER = 'parqex-platform';
/** CONNACK return codes of MQTT 3.1.1. */
const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;
// A controller disabled or re-keyed elsewhere (the CLI, another process) is signed out within this long.
const DEFAULT_RECHECK_MS = 2000;

export interface BrokerOptions {
  host: string;
  port: number;
  /** A client sending a larger packet is disconnected before the packet is read. */
  maxPacketBytes: number;
  /** Told of each connection closed for a packet over the limit (the controller, when it had signed in). */
  onOversize?: (deviceId: string | undefined) => void;
  recheckMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

export async function startEmbeddedBroker(db: Kysely<Database>, options: BrokerOptions): Promise<EmbeddedBroker> {
  const platformPassword = generateSecret();
  const identities = new WeakMap<Client, string>();
  const signedInOn = new WeakMap<object, string>();
  /** Connected controllers and the secret hash each signed in with. */
  const signedIn = new Map<Client, { deviceId: string; secretHash: string }>();
  const broker = await Aedes.createBroker({
    preConnect(_client, packet, done) {
      // A controller's last will may only announce its own status.
      const username = packet.username;
      if (packet.will && username !== PLATFORM_USER && packet.will.topic !== topic(username ?? '', 'status')) return done(null, false);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      const refuse = () => done(Object.assign(new Error('bad user name or password'), { returnCode: BAD_CREDENTIALS }), false);
      if (!username || !password) return refuse();
      // Checked before the session is taken over: a second connection under a client id replaces the first, whose last will then says offline.
      if (username !== PLATFORM_USER && client.id !== controllerClientId(username)) {
        return done(Object.assign(new Error('client id is not this controller\'s'), { returnCode: NOT_AUTHORIZED }), false);
      }
      if (username === PLATFORM_USER) {
        const given = Buffer.from(password);
        const expected = Buffer.from(platformPassword);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse();
        identities.set(client, PLATFORM_USER);
        return done(null, true);
      }
      findDeviceSecret(db, username).then((device) => {
        if (!device?.secret_hash || device.active !== 1 || !secretMatches(password.toString(), device.secret_hash)) return refuse();
        identities.set(client, username);
        signedInOn.set(client.conn, username);
        signedIn.set(client, { deviceId: username, secretHash: device.secret_hash });
        done(null, true);
      }, (error: Error) => {
        // The controller is refused for now and reconnects; the broker goes on.
        options.log?.warn({ error: error.message, deviceId: username }, 'controller sign-in not checked: the database did not answer');
        done(Object.assign(new Error('server unavailable'), { returnCode: 3 }), false);
      });
    },
    authorizePublish(client, packet, done) {
      const who = client ? identities.get(client) : PLATFORM_USER;
      if (who === PLATFORM_USER) return done(null);
      const parsed = parseTopic(packet.topic);
      if (parsed && parsed.deviceId === who && parsed.channel !== 'commands') return done(null);
      done(Object.assign(new Error('not authorized'), { returnCode: NOT_AUTHORIZED }));
    },
    authorizeSubscribe(client, subscription, done) {
      const who = identities.get(client);
      if (who === PLATFORM_USER) return done(null, subscription);
      const parsed = parseTopic(subscription.topic);
      if (parsed && parsed.deviceId === who && parsed.channel === 'commands') return done(null, subscription);
      // Refused, not disconnected: the SUBACK carries 0x80 for this filter.
      done(null, null);
    },
  });
  broker.on('clientDisconnect', (client) => signedIn.delete(client));
  const recheck = setInterval(() => {
    signOutRevoked(db, signedIn).catch((error: Error) => options.log?.warn({ error: error.message }, 'controller credentials not rechecked; the next round tries again'));
  }, options.recheckMs ?? DEFAULT_RECHECK_MS);
  recheck.unref();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    // Small packets written back to back must not wait for the peer's delayed ACK (see no-delay.ts).
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
    // aedes pulls with read() on 'readable'; a 'data' listener added after it sees each chunk as it is read, without changing the flow.
    const guard = packetSizeGuard(options.maxPacketBytes);
    socket.on('data', (chunk: Buffer) => {
      if (guard.watch(chunk) === undefined) return;
      options.onOversize?.(signedInOn.get(socket));
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    platform: { username: PLATFORM_USER, password: platformPassword },
    async close() {
      clearInterval(recheck);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // Controllers that are still connected would keep the listener open.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Closes the connection of every controller since disabled, deleted or given a new secret. */
async function signOutRevoked(db: Kysely<Database>, signedIn: Map<Client, { deviceId: string; secretHash: string }>): Promise<void> {
  if (signedIn.size === 0) return;
  const current = new Map((await deviceSecrets(db, [...new Set([...signedIn.values()].map((entry) => entry.deviceId))])).map((row) => [row.id, row]));
  for (const [client, entry] of signedIn) {
    const device = current.get(entry.deviceId);
    if (device?.active === 1 && device.secret_hash === entry.secretHash) continue;
    signedIn.delete(client);
    client.close();
  }
}
