// One clock: domain time in access/ and events/ comes from the injected Clock,
// so nothing there may read the machine's time on its own (issue 10,
// acceptance 3: `grep -rn "Date.now\|new Date()" src/access src/events`).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock, systemClock } from '../src/clock.ts';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** Lines reading the machine's time, as grep "Date.now\|new Date()" prints them. */
function machineTimeReads(files: string[]): string[] {
  return files.flatMap((file) => readFileSync(join(root, file), 'utf8').split('\n')
    .flatMap((line, i) => (/Date\.now|new Date\(\)/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
}

describe('one clock', () => {
  it('leaves no Date.now() or new Date() in src/access or src/events', () => {
    const files = [...sourceFiles('src/access'), ...sourceFiles('src/events')];
    assert.ok(files.includes('src/access/decide.ts') && files.includes('src/events/outbox.ts'));
    assert.deepEqual(machineTimeReads(files), []);
  });

  it('finds what it looks for: the clock itself reads the machine\'s time', () => {
    assert.equal(machineTimeReads(['src/clock.ts']).length, 1);
  });

  it('moves a manual clock forward only, by whole milliseconds', () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 4, 12));
    assert.equal(clock.advance(90 * 60_000), Date.UTC(2026, 2, 4, 13, 30));
    assert.equal(clock.now(), Date.UTC(2026, 2, 4, 13, 30));
    assert.throws(() => clock.advance(-1), RangeError);
    assert.throws(() => clock.advance(0.5), RangeError);
    assert.ok(Math.abs(systemClock.now() - Date.now()) < 1000);
  });
});
