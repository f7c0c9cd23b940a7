// The management events of inviting, accepting and removing access, as the
// outbox holds them after real HTTP requests: one per door, each on its door,
// to the people it names, with whole-second UTC strings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { setMemberSharing } from '../../src/store/repositories/accounts.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { csrfToken, formAction } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { callInvite, firstPartyToken, linkFromMailbox } from '../helpers/first-party.ts';

const { alex, sam, nora } = sandboxPeople;
const utc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** The outbox rows of one type, by door (events of one change share their second). */
async function outbox(app: App, type: string) {
  const rows = await app.db.selectFrom('outbox_events').select(['category', 'door_id', 'device_id', 'person_ids', 'data']).where('type', '=', type).execute();
  return rows
    .map((row) => ({ category: row.category, doorId: row.door_id, deviceId: row.device_id, personIds: JSON.parse(row.person_ids ?? 'null') as string[], data: JSON.parse(row.data) }))
    .sort((a, b) => String(a.doorId).localeCompare(String(b.doorId)));
}

async function invite(baseUrl: string, token: string, body: Record<string, unknown>) {
  const invited = await callInvite(baseUrl, token, 'POST', body);
  assert.equal(invited.status, 200, JSON.stringify(invited.body));
}

/** Nora opens the newest link to her and presses Accept, signed in. */
async function noraAccepts(baseUrl: string) {
  const link = await linkFromMailbox(baseUrl, nora.email);
  const browser = await signedInBrowser(baseUrl, nora.email);
  const page = await browser.request(link);
  const accepted = await browser.request(formAction(page.body), { form: { _csrf: csrfToken(page.body) } });
  assert.equal(accepted.status, 303, accepted.body.slice(0, 500));
}

for (const engine of engines()) {
  describe(`management events [${engine}]`, () => {
    it('announces person_invited once per door of the invitation, on that door, to the inviter and the Admin', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await invite(baseUrl, await firstPartyToken(baseUrl), {
        email_address: 'Guest@Example.com', door_ids: [sandboxDoors.garage.id, compactId(sandboxDoors.sideGarage.id)], starts_at: '2099-01-01 08:00:30', ends_at: '2099-02-01T18:00:00Z',
      });
      const stored = await app.db.selectFrom('invitations').select('expires_at').executeTakeFirstOrThrow();
      const events = await outbox(app, 'person_invited');
      assert.deepEqual(events.map((event) => [event.doorId, event.deviceId]), [[sandboxDoors.garage.id, sandboxDevices.a.id], [sandboxDoors.sideGarage.id, sandboxDevices.b.id]]);
      for (const event of events) {
        assert.equal(event.category, 'management');
        // Alex is the inviter and the Admin: named once.
        assert.deepEqual(event.personIds, [alex.id]);
        assert.match(event.data.expiresAt, utc);
        assert.equal(Date.parse(event.data.expiresAt) / 1000, stored.expires_at);
      }
      assert.deepEqual(events[0]!.data, {
        doorID: compactId(sandboxDoors.garage.id), deviceID: compactId(sandboxDevices.a.id), emailAddress: 'guest@example.com', invitedByUserID: compactId(alex.id),
        startsAt: '2099-01-01T08:00:30Z', endsAt: '2099-02-01T18:00:00Z', expiresAt: events[0]!.data.expiresAt,
      });
      assert.equal(events[1]!.data.doorID, compactId(sandboxDoors.sideGarage.id));
    });

    it('names both the sharing User who invited and the Admin of the door', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await setMemberSharing(app.db, sandboxAccounts.residence.id, sam.id, true);
      await invite(baseUrl, await firstPartyToken(baseUrl, { email: sam.email }), { email_address: 'guest@example.com', door_ids: [sandboxDoors.lobby.id], ends_at: '2099-02-01 00:00:00' });
      const [event, ...more] = await outbox(app, 'person_invited');
      assert.equal(more.length, 0);
      assert.deepEqual(event!.personIds, [sam.id, alex.id]);
      assert.equal(event!.data.invitedByUserID, compactId(sam.id));
      assert.equal(event!.data.startsAt, null);
      assert.equal(event!.data.endsAt, '2099-02-01T00:00:00Z');
    });

    it('announces access_granted when the invited person accepts, to them and the inviter', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      await invite(baseUrl, await firstPartyToken(baseUrl), { email_address: nora.email, door_ids: [sandboxDoors.garage.id], starts_at: '2099-01-01 08:00:30', ends_at: '2099-02-01 18:00:00' });
      await noraAccepts(baseUrl);
      const events = await outbox(app, 'access_granted');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.doorId, sandboxDoors.garage.id);
      assert.equal(events[0]!.deviceId, sandboxDevices.a.id);
      assert.deepEqual(events[0]!.personIds, [nora.id, alex.id]);
      assert.deepEqual(events[0]!.data, {
        doorID: compactId(sandboxDoors.garage.id), deviceID: compactId(sandboxDevices.a.id), personID: compactId(nora.id), grantedByUserID: compactId(alex.id),
        startsAt: '2099-01-01T08:00:30Z', endsAt: '2099-02-01T18:00:00Z',
      });
      assert.deepEqual(await outbox(app, 'access_changed'), []);
    });

    it('announces access_changed when a new invitation replaces the window, and nothing when the window is the same', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const alexToken = await firstPartyToken(baseUrl);
      await invite(baseUrl, alexToken, { email_address: nora.email, door_ids: [sandboxDoors.garage.id], ends_at: '2099-02-01 18:00:00' });
      await noraAccepts(baseUrl);

      // The garage's window changes; the lobby is new to her.
      await invite(baseUrl, alexToken, { email_address: nora.email, door_ids: [sandboxDoors.garage.id, sandboxDoors.lobby.id], starts_at: '2099-01-15 00:00:00', ends_at: '2099-03-01 18:00:00' });
      await noraAccepts(baseUrl);
      const changed = await outbox(app, 'access_changed');
      assert.equal(changed.length, 1);
      assert.equal(changed[0]!.category, 'management');
      assert.equal(changed[0]!.doorId, sandboxDoors.garage.id);
      assert.equal(changed[0]!.deviceId, sandboxDevices.a.id);
      assert.deepEqual(changed[0]!.personIds, [nora.id, alex.id]);
      assert.deepEqual(changed[0]!.data, {
        doorID: compactId(sandboxDoors.garage.id), deviceID: compactId(sandboxDevices.a.id), personID: compactId(nora.id), changedByUserID: compactId(alex.id),
        startsAt: '2099-01-15T00:00:00Z', endsAt: '2099-03-01T18:00:00Z',
      });
      assert.deepEqual((await outbox(app, 'access_granted')).map((event) => event.doorId), [sandboxDoors.garage.id, sandboxDoors.lobby.id]);

      // The same window again: the invitation is used, but nothing changed to announce.
      await invite(baseUrl, alexToken, { email_address: nora.email, door_ids: [sandboxDoors.lobby.id], starts_at: '2099-01-15T00:00:00Z', ends_at: '2099-03-01T18:00:00Z' });
      await noraAccepts(baseUrl);
      assert.equal((await outbox(app, 'access_changed')).length, 1);
      assert.equal((await outbox(app, 'access_granted')).length, 2);
    });

    it('announces access_removed once per door whose access was removed, naming the door', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      // Without door_ids: every door Alex administers, of which Sam has two.
      const removed = await callInvite(baseUrl, await firstPartyToken(baseUrl), 'DELETE', { email_address: sam.email });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.equal(removed.body.data.removed_access, 2);
      const events = await outbox(app, 'access_removed');
      assert.deepEqual(events.map((event) => event.doorId), [sandboxDoors.gate.id, sandboxDoors.lobby.id]);
      for (const event of events) {
        assert.equal(event.category, 'management');
        assert.equal(event.deviceId, sandboxDevices.a.id);
        assert.deepEqual(event.personIds, [sam.id, alex.id]);
        assert.deepEqual(event.data, { doorID: compactId(event.doorId!), deviceID: compactId(sandboxDevices.a.id), personID: compactId(sam.id), removedByUserID: compactId(alex.id) });
      }
    });
  });
}
