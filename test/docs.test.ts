// Lists in the docs that the code also holds must not drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorCodes } from '../src/access/errors.ts';
import { statusFor } from '../src/api/errors.ts';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  it('lists every domain error code once, with the status the API answers', () => {
    const rows = [...read('docs/errors.md').matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((match) => [match[1]!, Number(match[2])] as const);
    assert.deepEqual(rows.map(([code]) => code).sort(), [...errorCodes].sort());
    for (const [code, status] of rows) assert.equal(status, statusFor[code as keyof typeof statusFor], code);
  });
});
