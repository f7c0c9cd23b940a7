// devices/ decodes MQTT and hands messages to ports that access/ declares
// (design.md): it never decides or records at the door itself.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const devices = join(root, 'src/devices');

/** What devices/ may take from access/ as values: the ports, and the pure pieces every edge uses (errors, id and name parsing). */
const allowedValues = new Set(['src/access/door-side-port.ts', 'src/access/door-commands.ts', 'src/access/errors.ts', 'src/access/ids.ts', 'src/access/door-names.ts']);
/** Writing history or events is the domain's: devices/ never imports these, not even for types. */
const forbidden = new Set(['src/access/history.ts', 'src/events/outbox.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)].map((match) => ({
    target: relative(root, resolve(file, '..', match[2]!)),
    typeOnly: match[1] !== undefined,
  }));
}

describe('devices/ layering', () => {
  it('takes nothing from access/ but its ports (and types), and never writes history or events itself', () => {
    const offending: string[] = [];
    for (const file of sources(devices)) {
      for (const { target, typeOnly } of imports(file)) {
        const name = `${relative(root, file)} -> ${target}`;
        if (forbidden.has(target)) offending.push(name);
        else if (target.startsWith('src/access/') && !typeOnly && !allowedValues.has(target)) offending.push(name);
      }
    }
    assert.deepEqual(offending, []);
  });

  it('finds the imports it checks (the check would pass vacuously otherwise)', () => {
    const found = imports(join(devices, 'port-handlers.ts'));
    assert.ok(found.some((entry) => entry.target === 'src/access/door-side-port.ts' && entry.typeOnly));
    assert.ok(imports(join(devices, 'registry.ts')).some((entry) => entry.target === 'src/access/errors.ts' && !entry.typeOnly));
  });
});
