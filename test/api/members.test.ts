// Members and permissions through the API (phase2.md A.7; Acceptance A,
// example 6): who lists, changes and removes members, and what a removal ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { apiBase, firstPartyToken } from '../helpers/first-party.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const { alex, sam, gia, nora } = sandboxPeople;
const residence = compactId(sandboxAccounts.residence.id);

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${apiBase}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

async function outbox(app: App, type: string) {
  const rows = await app.db.selectFrom('outbox_events').select(['category', 'door_id', 'account_id', 'person_ids', 'data']).where('type', '=', type).execute();
  return rows.map((row) => ({ ...row, person_ids: JSON.parse(row.person_ids ?? 'null') as string[], data: JSON.parse(row.data) }));
}

/** phase2.md D.1's defaults. */
const defaultGuestPolicy = { guest_users_may_issue: true, guest_max_active_per_issuer: 10, guest_max_days: 7, guest_max_recurring_days: 90, guest_pin_length: 6 };

for (const engine of engines()) {
  describe(`members API [${engine}]`, () => {
    it('GET accounts lists each person\'s role and permissions, for any token', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const alexThirdParty = (await sandboxTokens(baseUrl)).access_token;
      const mine = await call(baseUrl, alexThirdParty, 'GET', 'accounts');
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.deepEqual(mine.body.data, [{ id: residence, name: 'Sandbox Residence', role: 'admin', time_zone: 'America/New_York', permissions: ['share', 'guests', 'enforcement'], lpr_vehicle_cap: null, guest_policy: defaultGuestPolicy }]);
      const samAccounts = await call(baseUrl, await firstPartyToken(baseUrl, { email: sam.email }), 'GET', 'accounts');
      assert.deepEqual(samAccounts.body.data.map((a: any) => [a.role, a.permissions]), [['user', []]]);
      const giaAccounts = await call(baseUrl, await firstPartyToken(baseUrl, { email: gia.email }), 'GET', 'accounts');
      assert.deepEqual(giaAccounts.body.data.map((a: any) => [a.role, a.permissions]), [['user', ['guests', 'enforcement']]]);
    });

    it('lets Alex list Sam (none) and Gia (guests, enforcement); Sam 403, Nora and a third-party client 404', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const alexToken = await firstPartyToken(baseUrl);
      const listed = await call(baseUrl, alexToken, 'GET', `accounts/${residence}/members`);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      const byId = new Map(listed.body.data.members.map((m: any) => [m.person_id, m]));
      assert.deepEqual(byId.get(sam.id), { person_id: sam.id, first_name: 'Sam', last_name: sam.last_name, email_address: sam.email, role: 'user', permissions: [], pin_active: true });
      assert.deepEqual((byId.get(gia.id) as any).permissions, ['guests', 'enforcement']);
      assert.deepEqual((byId.get(alex.id) as any).permissions, ['share', 'guests', 'enforcement']);
      assert.equal(listed.body.data.next_cursor, null);

      const samAnswer = await call(baseUrl, await firstPartyToken(baseUrl, { email: sam.email }), 'GET', `accounts/${residence}/members`);
      assert.equal(samAnswer.status, 403);
      assert.equal(samAnswer.body.errors[0].code, 'forbidden');
      const noraAnswer = await call(baseUrl, await firstPartyToken(baseUrl, { email: nora.email }), 'GET', `accounts/${residence}/members`);
      assert.equal(noraAnswer.status, 404);
      assert.deepEqual(noraAnswer.body, { errors: [{ message: 'No such account.', code: 'not_found' }] });
      const unknown = await call(baseUrl, alexToken, 'GET', 'nothing-here');
      const thirdParty = await call(baseUrl, (await sandboxTokens(baseUrl)).access_token, 'GET', `accounts/${residence}/members`);
      assert.equal(thirdParty.status, 404);
      assert.deepEqual(thirdParty.body, unknown.body, 'a third-party client cannot tell the route exists');
    });

    it('pages the members newest first with limit and cursor', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const token = await firstPartyToken(baseUrl);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await call(baseUrl, token, 'GET', `accounts/${residence}/members?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.equal(page.body.data.members.length, 1);
        seen.push(page.body.data.members[0].person_id);
        cursor = page.body.data.next_cursor;
      } while (cursor);
      assert.deepEqual([...seen].sort(), [alex.id, sam.id, gia.id].sort());
      const bad = await call(baseUrl, token, 'GET', `accounts/${residence}/members?cursor=nope`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].code, 'invalid');
      const tooMany = await call(baseUrl, token, 'GET', `accounts/${residence}/members?limit=201`);
      assert.equal(tooMany.status, 400);
    });

    it('sets permissions exactly, announces the change to the Admin and the member, and refuses the Admin\'s own row', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const token = await firstPartyToken(baseUrl);
      const changed = await call(baseUrl, token, 'PATCH', `accounts/${residence}/members/${compactId(sam.id)}`, { permissions: ['share', 'share'] });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.data.permissions, ['share']);
      const again = await call(baseUrl, token, 'PATCH', `accounts/${residence}/members/${sam.id}`, { permissions: ['share'] });
      assert.equal(again.status, 200);
      const events = await outbox(app, 'member_permissions_changed');
      assert.equal(events.length, 1, 'an unchanged set is not announced');
      assert.deepEqual(events[0], {
        category: 'management', door_id: null, account_id: sandboxAccounts.residence.id, person_ids: [alex.id, sam.id],
        data: { accountID: residence, personID: compactId(sam.id), permissions: ['share'] },
      });
      // Sam may now share: invite answers him instead of 403.
      const member = await app.db.selectFrom('account_members').select(['can_share', 'can_issue_guests', 'can_enforce']).where('person_id', '=', sam.id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...member }, { can_share: 1, can_issue_guests: 0, can_enforce: 0 });

      const own = await call(baseUrl, token, 'PATCH', `accounts/${residence}/members/${alex.id}`, { permissions: [] });
      assert.equal(own.status, 400);
      assert.equal(own.body.errors[0].code, 'invalid');
      const unknownPermission = await call(baseUrl, token, 'PATCH', `accounts/${residence}/members/${sam.id}`, { permissions: ['admin'] });
      assert.equal(unknownPermission.status, 400);
      assert.match(unknownPermission.body.errors[0].message, /permissions\[0\]/);
      const stranger = await call(baseUrl, token, 'PATCH', `accounts/${residence}/members/${nora.id}`, { permissions: [] });
      assert.equal(stranger.status, 404);
      const bySam = await call(baseUrl, await firstPartyToken(baseUrl, { email: sam.email }), 'PATCH', `accounts/${residence}/members/${gia.id}`, { permissions: [] });
      assert.equal(bySam.status, 403);
    });

    it('removes Gia at once: access_removed for gate and lobby, member_removed, and 8642 refused at the keypad', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const token = await firstPartyToken(baseUrl);
      const self = await call(baseUrl, token, 'DELETE', `accounts/${residence}/members/${alex.id}`);
      assert.equal(self.status, 400);
      const bySam = await call(baseUrl, await firstPartyToken(baseUrl, { email: sam.email }), 'DELETE', `accounts/${residence}/members/${gia.id}`);
      assert.equal(bySam.status, 403);

      const removed = await call(baseUrl, token, 'DELETE', `accounts/${residence}/members/${compactId(gia.id)}`);
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual([...removed.body.data.removed_access].sort(), [compactId(sandboxDoors.gate.id), compactId(sandboxDoors.lobby.id)].sort());
      const accessRemoved = await outbox(app, 'access_removed');
      assert.deepEqual(accessRemoved.map((event) => event.door_id).sort(), [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort());
      for (const event of accessRemoved) assert.deepEqual(event.person_ids, [gia.id, alex.id]);
      const memberRemoved = await outbox(app, 'member_removed');
      assert.deepEqual(memberRemoved.map((event) => [event.account_id, event.person_ids, event.data]), [[
        sandboxAccounts.residence.id, [alex.id, gia.id], { accountID: residence, personID: compactId(gia.id), removedByUserID: compactId(alex.id) },
      ]]);
      const again = await call(baseUrl, token, 'DELETE', `accounts/${residence}/members/${gia.id}`);
      assert.equal(again.status, 404);
      const giaAccounts = await call(baseUrl, await firstPartyToken(baseUrl, { email: gia.email }), 'GET', 'accounts');
      assert.deepEqual(giaAccounts.body.data, []);

      const controller = await sandboxController(t, app, 'a');
      await controller.enterPin(sandboxDoors.lobby.entity_number, sandboxPins.gia);
      await until(async () => (await app.db.selectFrom('access_events').select('was_success').where('door_id', '=', sandboxDoors.lobby.id).execute()).length === 1);
      const attempt = await app.db.selectFrom('access_events').select(['was_success', 'person_id']).where('door_id', '=', sandboxDoors.lobby.id).executeTakeFirstOrThrow();
      assert.equal(attempt.was_success, 0);
      assert.equal(controller.movements, 0);
    });

    it('PATCH accounts changes the name and zone; refuses unknown fields and zones; Sam 403, Nora 404', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const token = await firstPartyToken(baseUrl);
      const changed = await call(baseUrl, token, 'PATCH', `accounts/${residence}`, { name: '  Maple Court ', time_zone: 'europe/berlin' });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.data, { id: residence, name: 'Maple Court', role: 'admin', time_zone: 'Europe/Berlin', permissions: ['share', 'guests', 'enforcement'], lpr_vehicle_cap: null, guest_policy: defaultGuestPolicy });
      const badZone = await call(baseUrl, token, 'PATCH', `accounts/${residence}`, { name: 'Other', time_zone: 'Mars/Olympus' });
      assert.equal(badZone.status, 400);
      assert.equal(badZone.body.errors[0].code, 'invalid');
      assert.match(badZone.body.errors[0].message, /time_zone/);
      const unknownField = await call(baseUrl, token, 'PATCH', `accounts/${residence}`, { guest_policy: 'open' });
      assert.deepEqual(unknownField.body, { errors: [{ message: 'Invalid guest_policy: must NOT have additional properties.', code: 'invalid' }] });
      const capWithoutScope = await call(baseUrl, token, 'PATCH', `accounts/${residence}`, { name: 'Other', lpr_vehicle_cap: 2 });
      assert.deepEqual(capWithoutScope.body, { errors: [{ message: 'This application may not do this: it needs the lpr scope.', code: 'forbidden' }] });
      const listed = await call(baseUrl, token, 'GET', 'accounts');
      assert.equal(listed.body.data[0].name, 'Maple Court', 'a refused change writes nothing');
      assert.equal((await call(baseUrl, await firstPartyToken(baseUrl, { email: sam.email }), 'PATCH', `accounts/${residence}`, { name: 'Mine' })).status, 403);
      assert.equal((await call(baseUrl, await firstPartyToken(baseUrl, { email: nora.email }), 'PATCH', `accounts/${residence}`, { name: 'Mine' })).status, 404);
    });
  });
}
