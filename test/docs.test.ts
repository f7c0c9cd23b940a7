// Lists in the docs that the code also holds must not drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorCodes } from '../src/access/errors.ts';
import { codeAnswers } from '../src/errors/answers.ts';
import { eventCatalogue, eventFieldSchemas } from '../src/events/types.ts';
import { retryDelaysMs } from '../src/webhooks/retry-schedule.ts';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  it('lists every domain error code once, with the status the API answers', () => {
    const rows = [...read('docs/errors.md').matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((match) => [match[1]!, Number(match[2])] as const);
    assert.deepEqual(rows.map(([code]) => code).sort(), [...errorCodes].sort());
    for (const [code, status] of rows) assert.equal(status, codeAnswers[code as keyof typeof codeAnswers].status, code);
  });
});

describe('docs/webhooks.md', () => {
  const doc = read('docs/webhooks.md');
  const catalogue = doc.slice(doc.indexOf('### Catalogue'), doc.indexOf('## Delivery'));
  const sections = [...catalogue.matchAll(/^#### (.+) · ([a-z]+)\n([\s\S]*?)(?=^#### |$(?![\s\S]))/gm)].map((match) => ({
    names: [...match[1]!.matchAll(/`([^`]+)`/g)].map((name) => name[1]!),
    category: match[2]!,
    fields: [...match[3]!.matchAll(/^\| `(\w+)` \|/gm)].map((field) => field[1]!),
  }));

  it('lists every event type of the catalogue once, with its category', () => {
    const documented = sections.flatMap((section) => section.names.map((name) => [name, section.category]));
    assert.deepEqual(documented.map(([name]) => name).sort(), Object.keys(eventCatalogue).sort());
    for (const [name, category] of documented) assert.equal(category, eventCatalogue[name as keyof typeof eventCatalogue].category, name);
  });

  it('lists exactly the fields of each event type', () => {
    for (const section of sections) {
      for (const name of section.names) {
        const key = (name.startsWith('door<N>_') ? 'door' : name) as keyof typeof eventFieldSchemas;
        assert.deepEqual([...section.fields].sort(), Object.keys(eventFieldSchemas[key].properties).sort(), name);
      }
    }
  });

  it('gives the retry schedule of src/webhooks/retry-schedule.ts', () => {
    const spoken = (ms: number) => (ms === 0 ? 'immediately' : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);
    const rows = [...doc.matchAll(/^\| (\d+) \| ([^|]+) \| [^|]+ \|$/gm)].map((match) => [Number(match[1]), match[2]!.trim()]);
    assert.deepEqual(rows, retryDelaysMs.map((ms, index) => [index + 1, spoken(ms)]));
  });
});
