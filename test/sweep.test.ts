// The timed sweeps (doors left open, door moves never reported): a run still
// going is not doubled, what a pass handled is logged, a failure too, and the
// next pass runs anyway.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { startSweep } from '../src/sweep.ts';

function recordingLog() {
  const lines: { level: string; fields: unknown; message: string }[] = [];
  const log = {
    info: (fields: unknown, message: string) => lines.push({ level: 'info', fields, message }),
    warn: (fields: unknown, message: string) => lines.push({ level: 'warn', fields, message }),
  } as unknown as FastifyBaseLogger;
  return { log, lines };
}

const lines = { counted: 'announced', done: 'doors left open announced', failed: 'door-left-open sweep failed' };

describe('startSweep', () => {
  it('runs once for calls made while a pass is going, and logs what it handled', async (t) => {
    const { log, lines: logged } = recordingLog();
    let passes = 0;
    let release!: () => void;
    const sweep = startSweep({ log, intervalMs: 3_600_000 }, { ...lines, run: async () => { passes += 1; await new Promise<void>((resolve) => { release = resolve; }); return 2; } });
    t.after(() => sweep.stop());
    const first = sweep.run();
    assert.equal(sweep.run(), first);
    release();
    await first;
    assert.equal(passes, 1);
    assert.deepEqual(logged, [{ level: 'info', fields: { announced: 2 }, message: 'doors left open announced' }]);
  });

  it('logs a failed pass, says nothing of an idle one, and runs the next', async (t) => {
    const { log, lines: logged } = recordingLog();
    const outcomes = [new Error('database gone'), 0];
    const sweep = startSweep({ log, intervalMs: 3_600_000 }, { ...lines, run: async () => { const next = outcomes.shift(); if (next instanceof Error) throw next; return next ?? 0; } });
    t.after(() => sweep.stop());
    await sweep.run();
    await sweep.run();
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.level, 'warn');
    assert.equal(logged[0]!.message, 'door-left-open sweep failed');
    assert.deepEqual(outcomes, []);
  });
});
