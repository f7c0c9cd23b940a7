// Starts a bench process and reads the line it prints when ready (libraries may print other lines first).
export const READY = 'bench-ready ';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A server started as `bin/parqex.js` starts one: with V8's compile cache in its default folder (cold starts are timed with it). */
export const compileCacheEnv = { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };

export interface Child<T> {
  info: T;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startChild<T>(script: string, options: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<Child<T>> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith(READY)) resolve(JSON.parse(line.slice(READY.length)) as T);
      else console.log(line);
    });
  });
  child.removeAllListeners('exit');
  return {
    info,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
    },
  };
}
