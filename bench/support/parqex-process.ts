// The server under load, in a process of its own so autocannon (in the parent)
// never shares its event loop. Prints one JSON line of what the runner needs
// (base URL, tokens for the sandbox person), then serves until stdin closes.
import { once } from 'node:events';
import { SimulatedController } from '../../src/devices/simulator/controller.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServerOnEnv, testEnv } from '../../test/helpers/build-app.ts';
import { sandboxTokens } from '../../test/helpers/oauth.ts';

const engine = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const refreshChains = Number(process.env.BENCH_REFRESH_CHAINS ?? 0);
const unlimited = '1000000';
const { env, cleanup } = await testEnv(engine, {
  LOG_LEVEL: 'warn',
  PARQEX_RATE_LIMIT_PER_TOKEN: unlimited,
  PARQEX_RATE_LIMIT_PER_PERSON: unlimited,
  PARQEX_RATE_LIMIT_PER_DOOR: unlimited,
  ...(process.env.MQTT_URL ? { MQTT_URL: process.env.MQTT_URL } : {}),
});
const server = await startServerOnEnv(env);
const controller = new SimulatedController({
  url: server.app.brokerUrl,
  deviceId: sandboxDevices.a.id,
  secret: sandboxDevices.a.secret,
  travelMs: 0,
  doors: Object.values(sandboxDoors).filter((door) => door.device === 'a').map((door) => ({ entityNumber: door.entity_number, kind: door.kind, sensor: door.sensor === 1 })),
});
await controller.start();
const tokens = await sandboxTokens(server.baseUrl);
// Each refresh chain is one grant whose token rotates on every request, one per connection.
const refreshTokens: string[] = [];
for (let i = 0; i < refreshChains; i += 1) refreshTokens.push((await sandboxTokens(server.baseUrl)).refresh_token);
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl, engine, accessToken: tokens.access_token, refreshTokens })}\n`);

process.stdin.resume();
await once(process.stdin, 'end');
await controller.stop();
await server.close();
await cleanup();
process.exit(0);
