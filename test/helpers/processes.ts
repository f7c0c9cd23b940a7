// Real `parqex serve` OS processes and a Mosquitto of the test's own, for the
// chaos suites: what they break (a process, a connection) belongs to the test,
// never to the machine's shared services.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { TestContext } from 'node:test';
import { freePort } from './build-app.ts';
import { until } from './controllers.ts';

const root = new URL('../../', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
}

/** Starts `parqex serve` with this environment (on top of the test's own); killed with SIGKILL when the test ends. */
export function serveProcess(t: TestContext, env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, ['src/main.ts', 'serve'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  return { child, output: () => output };
}

export async function killHard(serve: ServeProcess): Promise<void> {
  if (serve.child.exitCode !== null || serve.child.signalCode !== null) return;
  const exited = new Promise((resolve) => serve.child.once('exit', resolve));
  serve.child.kill('SIGKILL');
  await exited;
}

export async function untilReady(baseUrl: string, serve?: ServeProcess, timeoutMs = 30_000): Promise<void> {
  try {
    await until(async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.status === 200, timeoutMs);
  } catch (error) {
    throw new Error(`${baseUrl} never became ready${serve ? `:\n${serve.output().slice(-2000)}` : ''}`, { cause: error });
  }
}

/** A Mosquitto of this test's own on a free loopback port (anonymous, local only); stopped when the test ends. */
export async function startMosquitto(t: TestContext): Promise<string> {
  const port = await ownService(t, 'mosquitto', (free) => ['-p', String(free)]);
  return `mqtt://127.0.0.1:${port}`;
}

/** A Redis of this test's own (no persistence), so no other suite shares its counters. */
export async function startRedis(t: TestContext): Promise<string> {
  const port = await ownService(t, 'redis-server', (free) => ['--port', String(free), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  return `redis://127.0.0.1:${port}`;
}

async function ownService(t: TestContext, command: string, args: (port: number) => string[]): Promise<number> {
  const port = await freePort();
  const child = spawn(command, args(port), { stdio: 'ignore' });
  t.after(() => { if (child.exitCode === null) child.kill('SIGTERM'); });
  await until(() => new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
    socket.on('error', () => resolve(false));
  }), 10_000);
  return port;
}
