// The toggle's baseline: a publish and its answer through the same broker and
// nothing else. One client publishes a request at QoS 1; a second, subscribed,
// answers at QoS 1 on another topic; the first times the answer. `inFlight`
// requests are outstanding at once, as the toggle load keeps `connections`.
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { sendWithoutDelay } from '../../src/devices/no-delay.ts';
import { median, percentile, type Sample } from './load.ts';

export interface BrokerLogin {
  url: string;
  username?: string;
  password?: string;
}

export async function mqttRoundTrips(login: BrokerLogin, inFlight: number, seconds: number): Promise<Sample> {
  const prefix = `parqex-bench/${randomBytes(4).toString('hex')}`;
  const options = { username: login.username, password: login.password, reconnectPeriod: 0 };
  const asker = await mqtt.connectAsync(login.url, { ...options, clientId: `${prefix.replace('/', '-')}-asker` });
  const answerer = await mqtt.connectAsync(login.url, { ...options, clientId: `${prefix.replace('/', '-')}-answerer` });
  // As the platform's and the controllers' own clients do (src/devices/no-delay.ts).
  sendWithoutDelay(asker);
  sendWithoutDelay(answerer);
  try {
    await answerer.subscribeAsync(`${prefix}/ask`, { qos: 1 });
    answerer.on('message', (_topic, payload) => void answerer.publish(`${prefix}/answer`, payload, { qos: 1 }));
    await asker.subscribeAsync(`${prefix}/answer`, { qos: 1 });
    const waiting = new Map<string, () => void>();
    asker.on('message', (_topic, payload) => waiting.get(payload.toString())?.());
    const latencies: number[] = [];
    const until = Date.now() + seconds * 1000;
    let next = 0;
    const loop = async () => {
      while (Date.now() < until) {
        const id = String(next++);
        const started = performance.now();
        await new Promise<void>((resolve) => {
          waiting.set(id, resolve);
          asker.publish(`${prefix}/ask`, id, { qos: 1 });
        });
        waiting.delete(id);
        latencies.push(performance.now() - started);
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: inFlight }, loop));
    const elapsed = (performance.now() - began) / 1000;
    return { rps: latencies.length / elapsed, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), errors: 0 };
  } finally {
    await asker.endAsync();
    await answerer.endAsync();
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export { median };
