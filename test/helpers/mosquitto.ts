// A Mosquitto of a test's own, on a free port, that the test may kill and
// start again on the same port (the machine's shared broker is never touched).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './build-app.ts';

export interface OwnMosquitto {
  url: string;
  /** Starts it (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: no last will is sent, no retained message is saved. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

const binary = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((path) => existsSync(path)) ?? 'mosquitto';

export async function ownMosquitto(): Promise<OwnMosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parqex-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  // Anonymous, like the shared test broker: device authentication is the embedded broker's suite.
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_packet_size 65536\n`);
  let child: ChildProcess | undefined;
  const own: OwnMosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      child = spawn(binary, ['-c', config], { stdio: 'ignore' });
      for (let i = 0; i < 100; i += 1) {
        if (await accepts(port)) return;
        await sleep(50);
      }
      throw new Error(`mosquitto did not start on port ${port}`);
    },
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    async close() {
      await own.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
