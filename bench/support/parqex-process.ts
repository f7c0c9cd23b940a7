// The server under load, in a process of its own so autocannon (in the runner)
// never shares its event loop: SQLite (or DATABASE_URL, in a fresh schema),
// the embedded broker (or MQTT_URL), rate limits raised, request logging at
// warn, one simulated controller with zero travel. BENCH_ENV (JSON) points it
// at a database filled beforehand (support/bench-database.ts). Prints one JSON line of what
// the runner needs, then serves until its stdin closes.
import { once } from 'node:events';
import { READY } from './children.ts';
import { SimulatedController } from '../../src/devices/simulator/controller.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServerOnEnv, testEnv } from '../../test/helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../../test/helpers/oauth.ts';

export interface ParqexInfo {
  baseUrl: string;
  engine: 'sqlite' | 'postgres';
  brokerUrl: string;
  platformLogin: { username: string; password: string } | undefined;
  accessToken: string;
  client: { client_id: string; client_secret: string };
  /** One per refresh chain: each rotates on every use. */
  refreshTokens: string[];
  lobbyDoorId: string;
  /** Bearer tokens of other sandbox people, by BENCH_TOKENS_FOR (comma-separated emails). */
  tokensFor: Record<string, string>;
}

const engine = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const chains = Number(process.env.BENCH_REFRESH_CHAINS ?? 0);
const unlimited = '1000000';
const { env, cleanup } = await testEnv(engine, {
  LOG_LEVEL: 'warn',
  PARQEX_RATE_LIMIT_PER_TOKEN: unlimited,
  PARQEX_RATE_LIMIT_PER_PERSON: unlimited,
  PARQEX_RATE_LIMIT_PER_DOOR: unlimited,
  ...(process.env.MQTT_URL ? { MQTT_URL: process.env.MQTT_URL } : {}),
  ...(process.env.BENCH_ENV ? JSON.parse(process.env.BENCH_ENV) as Record<string, string> : {}),
});
const server = await startServerOnEnv(env);
if (process.env.BENCH_COLD_START) {
  // Only the time to a ready server is measured: no controller, no tokens.
  process.stdout.write(`${READY}${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
  process.stdin.resume();
  await once(process.stdin, 'end');
  await server.close();
  await cleanup();
  process.exit(0);
}
const controller = new SimulatedController({
  url: server.app.brokerUrl,
  deviceId: sandboxDevices.a.id,
  secret: sandboxDevices.a.secret,
  travelMs: 0,
  doors: Object.values(sandboxDoors).filter((door) => door.device === 'a').map((door) => ({ entityNumber: door.entity_number, kind: door.kind, sensor: door.sensor === 1 })),
});
await controller.start();
const tokens = await sandboxTokens(server.baseUrl);
const refreshTokens: string[] = [];
for (let i = 0; i < chains; i += 1) refreshTokens.push((await sandboxTokens(server.baseUrl)).refresh_token);
const tokensFor: Record<string, string> = {};
for (const email of process.env.BENCH_TOKENS_FOR?.split(',') ?? []) tokensFor[email] = (await sandboxTokens(server.baseUrl, { email })).access_token;
const web = sandbox.client(server.baseUrl).web;
const info: ParqexInfo = {
  baseUrl: server.baseUrl,
  engine,
  brokerUrl: server.app.brokerUrl,
  platformLogin: server.app.brokerPlatformLogin,
  accessToken: tokens.access_token,
  client: { client_id: web.client_id, client_secret: web.client_secret },
  refreshTokens,
  lobbyDoorId: sandboxDoors.lobby.id,
  tokensFor,
};
process.stdout.write(`${READY}${JSON.stringify(info)}\n`);

process.stdin.resume();
await once(process.stdin, 'end');
await controller.stop();
await server.close();
await cleanup();
process.exit(0);
