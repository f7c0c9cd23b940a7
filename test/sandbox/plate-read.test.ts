// The sandbox's plate reads: POST /_sandbox/plate-read and `parqex simulate
// read`, through the running server's own simulated controller; unknown (404)
// without the simulator. And the reads' retention, on the manual clock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import type { App } from '../../src/app.ts';
import { lprRetentionJob } from '../../src/access/lpr-retention.ts';
import { sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { startServer } from '../helpers/build-app.ts';
import { baseEnv, repoRoot, type Run } from '../helpers/cli.ts';
import { sandboxController, until } from '../helpers/controllers.ts';

const simulator = { PARQEX_SIMULATOR: 'true', PARQEX_SIMULATOR_TRAVEL_MS: '10' };
const post = (baseUrl: string, body: unknown) => fetch(`${baseUrl}/_sandbox/plate-read`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const read = { device_id: sandboxDevices.a.id, entity_number: sandboxDoors.gate.entity_number };

function parqex(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['src/main.ts', ...args], { cwd: repoRoot, env: baseEnv() as Record<string, string> });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

async function decisions(app: App) {
  return (await app.db.selectFrom('plate_reads').select(['plate', 'decision', 'confidence', 'read_id']).orderBy('received_at').execute()).map((row) => ({ ...row }));
}

describe('sandbox plate reads', () => {
  it('publishes a read through the running simulated controller: 202, then the gate opens for Alex', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', simulator);
    const response = await post(baseUrl, { ...read, plate: 'PQX 1001', region: 'US-NY', confidence: 0.93, read_id: 'sandbox-1', candidates: [{ plate: 'PQX1O01', confidence: 0.4 }] });
    assert.equal(response.status, 202, await response.clone().text());
    assert.equal((await response.json() as { success: boolean }).success, true);
    await until(async () => (await decisions(app)).length === 1, 15_000);
    assert.deepEqual(await decisions(app), [{ plate: 'PQX 1001', decision: 'granted', confidence: 0.93, read_id: 'sandbox-1' }]);
    await until(async () => (await app.db.selectFrom('door_commands').select('status').where('door_id', '=', sandboxDoors.gate.id).executeTakeFirst())?.status === 'succeeded', 15_000);
  });

  it('refuses bad bodies with 400 in the errors shape, an unknown controller with 404', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite', simulator);
    for (const body of [{ ...read }, { ...read, plate: 'PQX1001', confidence: 1.5 }, { ...read, plate: 'PQX1001', confidence: '0.9' }, { ...read, plate: 'PQX1001', read_id: 'a b' },
      { ...read, plate: 'P'.repeat(200) }, { ...read, plate: 'PQX1001', candidates: Array(6).fill({ plate: 'A1', confidence: 0.1 }) }, { ...read, plate: 'PQX1001', extra: 1 }]) {
      const response = await post(baseUrl, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = await response.json() as { errors: { message: string }[] };
      assert.equal(typeof answer.errors[0]!.message, 'string');
    }
    const unknown = await post(baseUrl, { ...read, device_id: '0e6b0000-0000-4000-8000-000000000000', plate: 'PQX1001' });
    assert.equal(unknown.status, 404);
  });

  it('is unknown (404) on a server without the simulator', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    assert.equal((await post(baseUrl, { ...read, plate: 'PQX1001' })).status, 404);
  });

  it('reads a plate from `parqex simulate read`, and says when the server runs no such controller', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', simulator);
    const run = await parqex(['simulate', 'read', '--device', sandboxDevices.a.id, '--entity', '2', '--plate', 'GIA404', '--confidence', '0.9', '--url', baseUrl]);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, `controller ${sandboxDevices.a.id} entity 2 read GIA404\n`);
    assert.equal(run.status, 0);
    await until(async () => (await decisions(app)).length === 1, 15_000);
    assert.equal((await decisions(app))[0]!.confidence, 0.9);
    const bad = await parqex(['simulate', 'read', '--device', sandboxDevices.a.id, '--entity', 'two', '--plate', 'GIA404', '--url', baseUrl]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: parqex simulate read/);
    const missing = await parqex(['simulate', 'read', '--device', '0e6b0000-0000-4000-8000-000000000000', '--entity', '2', '--plate', 'GIA404', '--url', baseUrl]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /runs no simulated controller/);
  });

  it('forgets refused reads after PARQEX_LPR_UNMATCHED_DAYS and keeps granted ones, on the manual clock (issue acceptance 4)', async (t) => {
    const { app, baseUrl } = await startServer(t, 'sqlite', { PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-04T12:00:00-05:00', PARQEX_LPR_UNMATCHED_DAYS: '30', PARQEX_LPR_RETENTION_DAYS: '60' });
    const controller = await sandboxController(t, app, 'a');
    await controller.readPlate(sandboxDoors.gate.entity_number, 'PQX1001', { read_id: 'in' });
    await controller.readPlate(sandboxDoors.gate.entity_number, 'ZZZ999', { read_id: 'stranger' });
    await until(async () => (await decisions(app)).length === 2, 15_000);
    const advance = (by: string) => fetch(`${baseUrl}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
    assert.equal((await advance('29d')).status, 200);
    assert.deepEqual((await decisions(app)).map((row) => row.read_id), ['in', 'stranger']);
    assert.equal((await advance('1d1h')).status, 200);
    assert.deepEqual((await decisions(app)).map((row) => [row.read_id, row.decision]), [['in', 'granted']]);
    assert.equal((await advance('31d')).status, 200);
    assert.deepEqual(await decisions(app), []);
  });

  it('looks at the reads once a domain day', async () => {
    const job = lprRetentionJob({ unmatchedDays: 30, retentionDays: 365 });
    let deletes = 0;
    const db = { deleteFrom: () => { deletes += 1; const chain = { where: () => chain, executeTakeFirst: async () => ({ numDeletedRows: 0n }) }; return chain; } } as never;
    const day = Date.UTC(2026, 2, 4, 12);
    await job.run({ db, now: day });
    await job.run({ db, now: day + 3600_000 });
    await job.run({ db, now: day + 24 * 3600_000 });
    assert.equal(deletes, 4, 'two deletes (unmatched, others) on each of two days');
  });
});
