// The console's shared page parts, without HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { field, zonedTime } from '../../src/web/developers/forms.ts';

describe('zonedTime', () => {
  it('writes an instant in the person\'s zone, across a DST change', () => {
    assert.equal(zonedTime(Date.UTC(2026, 2, 8, 6, 59, 59), 'America/New_York'), '2026-03-08 01:59:59');
    assert.equal(zonedTime(Date.UTC(2026, 2, 8, 7, 0, 0), 'America/New_York'), '2026-03-08 03:00:00');
    assert.equal(zonedTime(Date.UTC(2026, 11, 31, 23, 30, 0), 'Asia/Tokyo'), '2027-01-01 08:30:00');
    assert.equal(zonedTime(Date.UTC(2026, 0, 1, 0, 0, 0), 'UTC'), '2026-01-01 00:00:00');
  });
});

describe('field', () => {
  it('gives a refused field its typed value back, marked invalid and described by the message', () => {
    const out = field({ error: 'bad', field: 'url', values: { url: '<x>' } }, { name: 'url', label: 'URL', maxlength: 10, required: true, hint: 'h' }).value;
    assert.match(out, /<label for="f-url">URL<\/label>/);
    assert.match(out, /aria-invalid="true" aria-describedby="flash f-url-hint"/);
    assert.match(out, /value="&#60;x&#62;"/);
  });

  it('leaves other fields alone', () => {
    const out = field({ error: 'bad', field: 'url' }, { name: 'name', label: 'Name', value: 'Acme', maxlength: 10 }).value;
    assert.doesNotMatch(out, /aria-invalid/);
    assert.match(out, /value="Acme"/);
    assert.match(out, /\(optional\)/);
  });
});
