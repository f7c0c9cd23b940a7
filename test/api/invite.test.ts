import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { visibleDoors } from '../../src/access/door-policy.ts';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { Browser, csrfToken, formAction } from '../helpers/browser.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { callInvite, clientTokens, firstPartyToken, linkFromMailbox } from '../helpers/first-party.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const timestamp = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

async function sync(baseUrl: string, token: string) {
  const response = await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const body = await response.json() as { devices: { doors: { id: string; name: string; user_relationship: string }[] }[] };
  return body.devices.flatMap((device) => device.doors);
}

for (const engine of engines()) {
  describe(`POST /oauth/v1/endpoints/invite [${engine}]`, () => {
    it('invites a new address end to end: mail in the mailbox, sign-up through the link, the door in sync; the link then stops working', async (t) => {
      const { baseUrl, app, logs } = await startServer(t, engine);
      const alex = await firstPartyToken(baseUrl);
      const email = 'new.tenant@example.com';
      const invited = await callInvite(baseUrl, alex, 'POST', { email_address: email, door_ids: [compactId(sandboxDoors.lobby.id)] });
      assert.equal(invited.status, 200, JSON.stringify(invited.body));
      assert.deepEqual(Object.keys(invited.body), ['success', 'timestamp', 'data']);
      assert.equal(invited.body.success, true);
      assert.ok(Number.isInteger(invited.body.timestamp));
      const { data } = invited.body;
      assert.match(data.id, /^[0-9a-f]{32}$/);
      assert.equal(data.email_address, email);
      assert.deepEqual(data.door_ids, [compactId(sandboxDoors.lobby.id)]);
      assert.equal(data.starts_at, null);
      assert.equal(data.ends_at, null);
      assert.equal(data.weekly_hours, null);
      assert.match(data.expires_at, timestamp);

      const link = await linkFromMailbox(baseUrl, email);
      assert.ok(link.startsWith(`${baseUrl}/invitations/`));
      const browser = new Browser(baseUrl);
      const page = await browser.request(link);
      assert.equal(page.status, 200);
      assert.match(page.body, /Alex Admin/);
      assert.match(page.body, /Lobby Door/);
      assert.match(page.body, /Create your login to accept/);
      const signUp = await browser.request(formAction(page.body), {
        form: { _csrf: csrfToken(page.body), first_name: 'Nina', last_name: 'Tenant', password: 'a long new password' },
      });
      assert.equal(signUp.status, 303, signUp.body.slice(0, 500));
      assert.equal(signUp.location, '/account');
      const account = await browser.request('/account');
      assert.match(account.body, /Nina Tenant/);
      assert.match(account.body, /<h2 id="account-[^"]+">Sandbox Residence<\/h2>/);

      // The new person authorizes an application and sees exactly the lobby door, at once.
      const tokens = await clientTokens(baseUrl, sandbox.client(baseUrl).web, { email, password: 'a long new password' });
      const doors = await sync(baseUrl, tokens.access_token);
      assert.deepEqual(doors.map((door) => [door.id, door.name, door.user_relationship]), [[compactId(sandboxDoors.lobby.id), 'Lobby Door', 'Has Access']]);

      const again = await new Browser(baseUrl).request(link);
      assert.equal(again.status, 404);
      assert.match(again.body, /This invitation link is no longer valid\./);
      const token = link.split('/').pop()!;
      assert.ok(!logs().includes(token), 'the link never reaches the log');
      assert.ok(!JSON.stringify(await app.db.selectFrom('invitations').selectAll().execute()).includes(token));
    });

    it('answers under every alias with the same envelope', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const alex = await firstPartyToken(baseUrl);
      for (const prefix of ['/api/oauth/v1/endpoints', '/oauth/v1/endpoint', '/api/oauth/v1/endpoint']) {
        const invited = await callInvite(baseUrl, alex, 'POST', { email_address: 'guest@example.com', door_ids: [sandboxDoors.garage.id], ends_at: '2099-01-01 00:00:00' }, prefix);
        assert.equal(invited.status, 200, prefix);
        assert.equal(invited.body.data.ends_at, '2099-01-01 00:00:00');
      }
    });
  });

  describe(`DELETE /oauth/v1/endpoints/invite [${engine}]`, () => {
    it("removes Sam's lobby access at once: his next sync no longer shows it; a second removal is 404", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const alex = await firstPartyToken(baseUrl);
      const samTokens = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      assert.ok((await sync(baseUrl, samTokens.access_token)).some((door) => door.id === compactId(sandboxDoors.lobby.id)));

      const removed = await callInvite(baseUrl, alex, 'DELETE', { email_address: sandbox.people.sam.email, door_ids: [compactId(sandboxDoors.lobby.id)] });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual(removed.body.data, { removed_access: 1, cancelled_invitations: 0 });
      assert.deepEqual((await sync(baseUrl, samTokens.access_token)).map((door) => door.name), ['Driveway Gate']);
      assert.deepEqual((await visibleDoors(app.db, { personId: sandbox.people.sam.id }, new Date())).map((door) => door.id), [sandboxDoors.gate.id]);

      const again = await callInvite(baseUrl, alex, 'DELETE', { user_id: sandbox.people.sam.id, door_ids: [sandboxDoors.lobby.id] });
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, { errors: [{ message: 'No access or pending invitation matched.' }] });
    });

    it('cancels a pending invitation, whose link then answers 404', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const alex = await firstPartyToken(baseUrl);
      await callInvite(baseUrl, alex, 'POST', { email_address: 'guest@example.com', door_ids: [sandboxDoors.lobby.id] });
      const link = await linkFromMailbox(baseUrl, 'guest@example.com');
      const cancelled = await callInvite(baseUrl, alex, 'DELETE', { email_address: 'guest@example.com' });
      assert.deepEqual(cancelled.body.data, { removed_access: 0, cancelled_invitations: 1 });
      assert.equal((await fetch(link)).status, 404);
    });
  });
}
