// The union of access windows and its `until`/`next`, checked minute by minute
// against a plain scan of `checkSchedule` across daylight-saving changes in
// New York and London, overnight slots and overlapping windows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alwaysOpen, unionAt, type RankedWindow } from '../../src/access/access-union.ts';
import { checkSchedule, nextChange, type AccessWindow, type WeeklyHours } from '../../src/access/schedules.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hours = (...slots: [readonly string[], string, string][]): WeeklyHours => slots.map(([days, start, end]) => ({ days: [...days] as WeeklyHours[number]['days'], start, end }));
const weekly = (weeklyHours: WeeklyHours): AccessWindow => ({ startsAt: null, endsAt: null, weeklyHours });
const ranked = (window: AccessWindow, timeZone: string, basis = 'w', rank = 3): RankedWindow<string> => ({ basis, rank, window, timeZone });

/** The answer a minute-by-minute scan gives: allowed now, and the first minute after when that flips (null past 8 days). */
function scan(windows: RankedWindow<string>[], from: number, to: number) {
  const allowedAt = (t: number) => windows.some((w) => checkSchedule(w.window, new Date(t), w.timeZone).allowed);
  const end = to + 8 * DAY;
  const allowed: boolean[] = [];
  for (let t = from; t <= end + MINUTE; t += MINUTE) allowed.push(allowedAt(t));
  const flip: (number | null)[] = new Array(allowed.length).fill(null);
  for (let i = allowed.length - 2; i >= 0; i -= 1) flip[i] = allowed[i + 1] !== allowed[i] ? from + (i + 1) * MINUTE : flip[i + 1]!;
  return (t: number) => {
    const i = (t - from) / MINUTE;
    const change = flip[i]!;
    return { allowed: allowed[i]!, change: change !== null && change - t <= 8 * DAY ? change : null };
  };
}

function agreesWithScan(windows: RankedWindow<string>[], fromIso: string, toIso: string, stepMinutes = 7) {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const truth = scan(windows, from, to);
  for (let t = from; t <= to; t += stepMinutes * MINUTE) {
    const expected = truth(t);
    const verdict = unionAt(windows, t);
    const label = new Date(t).toISOString();
    assert.equal(verdict.allowed, expected.allowed, `allowed at ${label}`);
    assert.equal(verdict.allowed ? verdict.until : verdict.next, expected.change, `change after ${label}`);
  }
}

const nightOwl = hours([['fri', 'sat'], '22:00', '02:00']);
const sam = hours([everyDay, '06:00', '22:00']);
const smallHours = hours([everyDay, '01:30', '02:30']);
const saturday = hours([['sat'], '00:00', '24:00']);

const changes: { zone: string; spring: [string, string]; fall: [string, string] }[] = [
  { zone: 'America/New_York', spring: ['2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z'], fall: ['2026-10-30T00:00:00Z', '2026-11-03T00:00:00Z'] },
  { zone: 'Europe/London', spring: ['2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'], fall: ['2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z'] },
];
for (const { zone, spring, fall } of changes) {
  describe(`union of windows around daylight saving in ${zone}`, () => {
    for (const [name, range] of [['spring forward', spring], ['fall back', fall]] as const) {
      it(`agrees with a minute scan: daily 06:00–22:00 [${name}]`, () => agreesWithScan([ranked(weekly(sam), zone)], range[0], range[1]));
      it(`agrees with a minute scan: Friday and Saturday 22:00–02:00, overnight [${name}]`, () => agreesWithScan([ranked(weekly(nightOwl), zone)], range[0], range[1]));
      it(`agrees with a minute scan: 01:30–02:30, skipped or repeated by the change [${name}]`, () => agreesWithScan([ranked(weekly(smallHours), zone)], range[0], range[1], 3));
      it(`agrees with a minute scan: overlapping and adjoining windows as one [${name}]`, () => agreesWithScan([
        ranked(weekly(hours([everyDay, '08:00', '12:00'])), zone),
        ranked(weekly(hours([everyDay, '11:00', '14:00'])), zone),
        ranked(weekly(hours([everyDay, '14:00', '15:00'])), zone),
        ranked(weekly(saturday), zone),
      ], range[0], range[1]));
      it(`agrees with a minute scan: a dated window with hours beside one without [${name}]`, () => {
        const starts = Math.floor(Date.parse(range[0]) / 1000) + 26 * 3600;
        agreesWithScan([
          ranked({ startsAt: starts, endsAt: starts + 36 * 3600, weeklyHours: nightOwl }, zone),
          ranked({ startsAt: starts + 48 * 3600, endsAt: null, weeklyHours: null }, zone),
        ], range[0], range[1]);
      });
    }
  });
}

describe('union of windows: answers by hand', () => {
  const newYork = 'America/New_York';
  it('gives Sam outside_hours at 05:00 EDT on the day clocks spring forward, next at 06:00 EDT', () => {
    assert.deepEqual(unionAt([ranked(weekly(sam), newYork)], Date.parse('2026-03-08T05:00:00-04:00')), { allowed: false, reason: 'outside_hours', next: Date.parse('2026-03-08T10:00:00Z') });
  });
  it('keeps an overnight slot open until 02:00 of the next local day', () => {
    const verdict = unionAt([ranked(weekly(nightOwl), newYork)], Date.parse('2026-03-06T23:30:00-05:00'));
    assert.deepEqual(verdict, { allowed: true, until: Date.parse('2026-03-07T02:00:00-05:00'), basis: 'w' });
  });
  it('answers until null for the Admin\'s implicit access, and no_access for no window at all', () => {
    assert.deepEqual(unionAt([ranked(alwaysOpen, newYork, 'admin', 2)], Date.parse('2026-03-04T22:50:00-05:00')), { allowed: true, until: null, basis: 'admin' });
    assert.deepEqual(unionAt([], 0), { allowed: false, reason: 'no_access', next: null });
  });
  it('answers null for a change more than 8 days away, and the instant for one within', () => {
    const at = Date.parse('2026-03-04T12:00:00Z');
    const inDays = (days: number) => Math.floor(at / 1000) + days * 86400;
    assert.deepEqual(unionAt([ranked({ startsAt: inDays(9), endsAt: null, weeklyHours: null }, newYork)], at), { allowed: false, reason: 'not_started', next: null });
    assert.deepEqual(unionAt([ranked({ startsAt: inDays(7), endsAt: null, weeklyHours: null }, newYork)], at), { allowed: false, reason: 'not_started', next: inDays(7) * 1000 });
    assert.deepEqual(unionAt([ranked({ startsAt: null, endsAt: inDays(8) + 1, weeklyHours: null }, newYork)], at), { allowed: true, until: null, basis: 'w' });
    assert.equal(nextChange({ startsAt: null, endsAt: inDays(8), weeklyHours: null }, new Date(at), newYork), inDays(8) * 1000);
  });
  it('names the first allowing kind, then the window lasting longest', () => {
    const at = Date.parse('2026-03-04T15:00:00Z');
    const short = ranked({ startsAt: null, endsAt: Math.floor(at / 1000) + 3600, weeklyHours: null }, newYork, 'short', 3);
    const long = ranked({ startsAt: null, endsAt: Math.floor(at / 1000) + 7200, weeklyHours: null }, newYork, 'long', 3);
    const admin = ranked(alwaysOpen, newYork, 'admin', 2);
    assert.equal((unionAt([short, long], at) as { basis: string }).basis, 'long');
    assert.equal((unionAt([short, admin, long], at) as { basis: string }).basis, 'admin');
  });
  it('refuses with the reason of the window opening soonest', () => {
    const at = Date.parse('2026-03-04T23:00:00-05:00');
    const later = ranked({ startsAt: Math.floor(at / 1000) + 3 * 86400, endsAt: null, weeklyHours: null }, newYork);
    const ended = ranked({ startsAt: null, endsAt: Math.floor(at / 1000) - 60, weeklyHours: null }, newYork);
    assert.deepEqual(unionAt([later, ranked(weekly(sam), newYork), ended], at), { allowed: false, reason: 'outside_hours', next: Date.parse('2026-03-05T06:00:00-05:00') });
    assert.deepEqual(unionAt([ended], at), { allowed: false, reason: 'ended', next: null });
  });
});
