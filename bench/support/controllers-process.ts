// Generated controllers (parqex bench-data) connected to the broker as
// simulated controllers with zero travel, in a process of their own so neither
// the server's memory nor the runner's event loop carries them. BENCH_SEED,
// BENCH_FIRST and BENCH_COUNT choose them; BENCH_BROKER_URL is the broker.
// Prints one ready line once all are connected, and serves until stdin closes.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { READY } from './children.ts';
import { SimulatedController } from '../../src/devices/simulator/controller.ts';
import { benchControllerSecret, benchDoorLayout, benchId } from '../../src/store/repositories/bench-data.ts';

const seed = Number(process.env.BENCH_SEED ?? 1);
const first = Number(process.env.BENCH_FIRST ?? 0);
const count = Number(process.env.BENCH_COUNT ?? 0);
const doors = benchDoorLayout.map((door) => ({ entityNumber: door.entityNumber, kind: door.kind, sensor: door.sensor }));
const controllers = Array.from({ length: count }, (_, i) => new SimulatedController({
  url: process.env.BENCH_BROKER_URL!,
  deviceId: benchId(seed, 'device', first + i),
  secret: benchControllerSecret(seed, first + i),
  travelMs: 0,
  doors,
}));
/** A loaded server may drop a connection while it authenticates it (its pool busy): try again, a few times. */
async function connect(controller: SimulatedController): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await controller.start();
    } catch (error) {
      if (attempt === 5) throw error;
      await controller.stop();
      await sleep(200 * attempt);
    }
  }
}

const began = performance.now();
// Fifty at a time: the broker's accept queue and the server's presence writes are not the figure.
for (let i = 0; i < controllers.length; i += 50) await Promise.all(controllers.slice(i, i + 50).map(connect));
process.stdout.write(`${READY}${JSON.stringify({ connected: controllers.length, seconds: Math.round((performance.now() - began) / 100) / 10 })}\n`);

process.stdin.resume();
await once(process.stdin, 'end');
for (let i = 0; i < controllers.length; i += 100) await Promise.all(controllers.slice(i, i + 100).map((controller) => controller.stop()));
process.exit(0);
