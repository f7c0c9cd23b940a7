// The sandbox clock: POST /_sandbox/clock and `parqex clock advance`, on a
// development server with a manual clock; unknown anywhere else.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { ManualClock } from '../../src/clock.ts';
import { createJobs } from '../../src/jobs.ts';
import { parseAdvance, sandboxClockRoute } from '../../src/sandbox/clock-route.ts';
import { startServer } from '../helpers/build-app.ts';
import { baseEnv, repoRoot, type Run } from '../helpers/cli.ts';

const manual = { PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-04T22:50:00-05:00' };
const advance = (baseUrl: string, body: unknown) => fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `parqex ...` as a child, without blocking this process: the server under test runs in it. */
function parqex(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, ['src/main.ts', ...args], { cwd: repoRoot, env: { ...baseEnv(), ...env } as Record<string, string> });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

describe('sandbox clock', () => {
  it('reads durations of days, hours, minutes and seconds', () => {
    assert.equal(parseAdvance('90m'), 90 * 60_000);
    assert.equal(parseAdvance('1d12h'), 36 * 3600_000);
    assert.equal(parseAdvance('30s'), 30_000);
    for (const bad of ['', '2', 'h', '1.5h', '-1h', '2h ', '1w']) assert.equal(parseAdvance(bad), undefined, bad);
  });

  it('moves the manual clock, runs what fell due, then answers the new time', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', manual);
    const response = await advance(baseUrl, { advance: '90m' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { now: '2026-03-05 05:20:00' });
    assert.equal(app.clock.now(), Date.parse('2026-03-05T05:20:00Z'));
    assert.equal((await advance(baseUrl, { advance: '31d' })).status, 200);
  });

  it('refuses nothing, zero, more than 31 days and other shapes with 400', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', manual);
    for (const body of [{ advance: '0m' }, { advance: '32d' }, { advance: '30d24h1s' }, { advance: 'soon' }, {}, { advance: 90 }]) {
      assert.equal((await advance(baseUrl, body)).status, 400, JSON.stringify(body));
    }
    assert.equal(app.clock.now(), Date.parse(manual.PARQEX_CLOCK_START));
  });

  it('runs the jobs after moving, with the new time', async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const server = Fastify();
    await server.register(sandboxClockRoute, { clock, jobs: createJobs({ db: {} as never, clock, log: server.log }, [{ name: 'seen', run: async ({ now }) => seen.push(now) }]) });
    const response = await server.inject({ method: 'POST', url: '/_sandbox/clock', payload: { advance: '2h' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(seen, [7_200_000]);
    await server.close();
  });

  it('is unknown (404) on a development server with the system clock', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    assert.equal((await advance(baseUrl, { advance: '90m' })).status, 404);
  });

  it('moves a running server\'s clock from `parqex clock advance`', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', manual);
    const run = await parqex(['clock', 'advance', '2h', '--url', baseUrl]);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, 'now 2026-03-05 05:50:00 UTC\n');
    assert.equal(run.status, 0);
    assert.equal(app.clock.now(), Date.parse('2026-03-05T05:50:00Z'));
  });

  it('refuses `parqex clock advance` in production, for a bad duration, and against a server without a manual clock', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const production = await parqex(['clock', 'advance', '2h', '--url', baseUrl], { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://api.example.com', PARQEX_COOKIE_SECRETS: 'c'.repeat(40), PARQEX_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') });
    assert.equal(production.status, 2);
    assert.match(production.stderr, /^parqex: the clock moves only in development/);
    const bad = await parqex(['clock', 'advance', 'soon', '--url', baseUrl]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: parqex clock advance/);
    const system = await parqex(['clock', 'advance', '2h', '--url', baseUrl]);
    assert.equal(system.status, 2);
    assert.match(system.stderr, /has no manual clock/);
    assert.equal(system.stdout, '');
  });
});
