// The embedded MQTT broker (aedes) of the default single-process setup. It
// signs controllers in with their id and secret and keeps each to its own
// topics; the platform's own client signs in with a per-process credential.
import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Aedes, type Client } from 'aedes';
import type { Kysely } from 'kysely';
import { generateSecret, secretMatches } from '../security/secrets.ts';
import type { Database } from '../store/database.ts';
import { findDeviceSecret } from '../store/repositories/devices.ts';
import { parseTopic, topic } from './protocol.ts';

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

export async function startEmbeddedBroker(db: Kysely<Database>, options: { host: string; port: number }): Promise<EmbeddedBroker> {
  const platformPassword = generateSecret();
  const identities = new WeakMap<Client, string>();
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
        done(null, true);
      }, () => done(Object.assign(new Error('server unavailable'), { returnCode: 3 }), false));
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
  const server: Server = createServer(broker.handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
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
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // Controllers that are still connected would keep the listener open.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
