import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { callInvite, firstPartyToken } from '../helpers/first-party.ts';
import { sandbox } from '../helpers/oauth.ts';

const lobby = compactId(sandboxDoors.lobby.id);

/** [what is wrong, body, the field the message must name] */
const postCases: [string, unknown, RegExp][] = [
  ['missing email_address', { door_ids: [lobby] }, /email_address/],
  ['bad email', { email_address: 'not an address', door_ids: [lobby] }, /email_address/],
  ['missing door_ids', { email_address: 'guest@example.com' }, /door_ids/],
  ['empty door_ids', { email_address: 'guest@example.com', door_ids: [] }, /door_ids/],
  ['door_ids not a list', { email_address: 'guest@example.com', door_ids: lobby }, /door_ids/],
  ['malformed id', { email_address: 'guest@example.com', door_ids: ['5a0d0000-zzzz'] }, /door_ids\[0\]/],
  ['ends before starts', { email_address: 'guest@example.com', door_ids: [lobby], starts_at: '2099-01-02 00:00:00', ends_at: '2099-01-01 00:00:00' }, /ends_at/],
  ['ends in the past', { email_address: 'guest@example.com', door_ids: [lobby], ends_at: '2001-01-01T00:00:00Z' }, /ends_at/],
  ['ends in year 275760', { email_address: 'guest@example.com', door_ids: [lobby], ends_at: '+275760-09-13T00:00:00Z' }, /^Invalid ends_at: use a time from 2000-01-01 to 2100-01-01 \(UTC\)\.$/],
  ['starts in year 0', { email_address: 'guest@example.com', door_ids: [lobby], starts_at: '0000-01-01T00:00:00Z' }, /^Invalid starts_at: use a time from 2000-01-01 to 2100-01-01 \(UTC\)\.$/],
  ['starts in 1999', { email_address: 'guest@example.com', door_ids: [lobby], starts_at: '1999-12-31 23:59:59' }, /^Invalid starts_at: use a time from/],
  ['ends at 2100', { email_address: 'guest@example.com', door_ids: [lobby], ends_at: '2100-01-01T00:00:00Z' }, /^Invalid ends_at: use a time from/],
  ['offset +99:00', { email_address: 'guest@example.com', door_ids: [lobby], starts_at: '2030-01-01T08:00:00+99:00' }, /^Invalid starts_at: a UTC offset is at most ±14:00\.$/],
  ['offset -14:01', { email_address: 'guest@example.com', door_ids: [lobby], ends_at: '2030-01-01T08:00:00-14:01' }, /^Invalid ends_at: a UTC offset is at most ±14:00\.$/],
  ['unparsable time', { email_address: 'guest@example.com', door_ids: [lobby], starts_at: 'next tuesday' }, /starts_at/],
  ['unknown field', { email_address: 'guest@example.com', door_ids: [lobby], role: 'admin' }, /role/],
  ['weekly_hours not a list', { email_address: 'guest@example.com', door_ids: [lobby], weekly_hours: 'weekdays' }, /weekly_hours/],
  ['weekly_hours bad day', { email_address: 'guest@example.com', door_ids: [lobby], weekly_hours: [{ days: ['someday'], start: '06:00', end: '22:00' }] }, /weekly_hours/],
  ['weekly_hours bad time', { email_address: 'guest@example.com', door_ids: [lobby], weekly_hours: [{ days: ['mon'], start: '6am', end: '22:00' }] }, /weekly_hours/],
  ['weekly_hours unknown field', { email_address: 'guest@example.com', door_ids: [lobby], weekly_hours: [{ days: ['mon'], start: '06:00', end: '22:00', tz: 'UTC' }] }, /weekly_hours/],
  ['weekly_hours empty slot', { email_address: 'guest@example.com', door_ids: [lobby], weekly_hours: [{ days: ['mon'], start: '06:00', end: '06:00' }] }, /weekly_hours/],
];

const deleteCases: [string, unknown, RegExp][] = [
  ['neither email_address nor user_id', { door_ids: [lobby] }, /email_address or user_id/],
  ['both email_address and user_id', { email_address: sandbox.people.sam.email, user_id: sandbox.people.sam.id }, /email_address or user_id/],
  ['bad email', { email_address: 'nobody' }, /email_address/],
  ['malformed user_id', { user_id: '42' }, /user_id/],
  ['empty door_ids', { email_address: sandbox.people.sam.email, door_ids: [] }, /door_ids/],
  ['malformed id', { email_address: sandbox.people.sam.email, door_ids: ['nope'] }, /door_ids\[0\]/],
  ['unknown field', { email_address: sandbox.people.sam.email, everything: true }, /everything/],
];

for (const engine of engines()) {
  describe(`invite: bad input [${engine}]`, () => {
    it('answers 400 in the error envelope naming the field, for POST and DELETE, and changes nothing', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const alex = await firstPartyToken(baseUrl);
      for (const [method, cases] of [['POST', postCases], ['DELETE', deleteCases]] as const) {
        for (const [what, body, field] of cases) {
          const answer = await callInvite(baseUrl, alex, method, body);
          assert.equal(answer.status, 400, `${method} ${what}: ${JSON.stringify(answer.body)}`);
          assert.deepEqual(Object.keys(answer.body), ['errors'], `${method} ${what}`);
          assert.match(answer.body.errors[0].message, field, `${method} ${what}`);
        }
        const notJson = await callInvite(baseUrl, alex, method, '{"email_address": ');
        assert.equal(notJson.status, 400, `${method} not JSON`);
        const noBody = await callInvite(baseUrl, alex, method);
        assert.equal(noBody.status, 400, `${method} no body`);
        assert.deepEqual(Object.keys(noBody.body), ['errors']);
      }
      const mailbox = await (await fetch(`${baseUrl}/dev/mailbox`)).text();
      assert.match(mailbox, /No mail yet/);
    });
  });
}
