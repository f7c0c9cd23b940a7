// A window typed on the People page, on the account's wall clock, read as the API's input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localInput, localWindow } from '../../src/access/local-window.ts';

describe('localWindow', () => {
  it('reads dates in the account\'s zone and gives UTC instants (EST and EDT)', () => {
    const window = localWindow({ starts_at: '2026-03-04T09:00', ends_at: '2026-03-09T09:00' }, 'America/New_York');
    assert.deepEqual(window, { starts_at: '2026-03-04T14:00:00Z', ends_at: '2026-03-09T13:00:00Z', weekly_hours: null });
    assert.equal(localInput(Date.parse('2026-03-09T13:00:00Z') / 1000, 'America/New_York'), '2026-03-09T09:00');
    assert.equal(localInput(null, 'UTC'), '');
  });

  it('makes weekly hours from ticked days and times: no days is every day, no times the whole day, 00:00 as an end is midnight', () => {
    assert.deepEqual(localWindow({ days: ['fri', 'mon'], from: '09:00', until: '17:00' }, 'UTC').weekly_hours, [{ days: ['mon', 'fri'], start: '09:00', end: '17:00' }]);
    assert.deepEqual(localWindow({ from: '22:00', until: '06:00' }, 'UTC').weekly_hours, [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '22:00', end: '06:00' }]);
    assert.deepEqual(localWindow({ days: 'sat' }, 'UTC').weekly_hours, [{ days: ['sat'], start: '00:00', end: '24:00' }]);
    assert.deepEqual(localWindow({ from: '08:00', until: '00:00' }, 'UTC').weekly_hours?.[0]?.end, '24:00');
    assert.equal(localWindow({}, 'UTC').weekly_hours, null);
  });

  it('refuses half the hours, a day that is not a weekday, and a date without a time, naming the field', () => {
    assert.throws(() => localWindow({ from: '08:00' }, 'UTC'), /^DomainError: Invalid hours/);
    assert.throws(() => localWindow({ days: ['someday'] }, 'UTC'), /Invalid days/);
    assert.throws(() => localWindow({ ends_at: '2026-03-09' }, 'UTC'), /Invalid ends_at/);
  });
});
