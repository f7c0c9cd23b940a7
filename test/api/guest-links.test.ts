// Unit links through the API (phase2.md D.3): `POST, GET guest-links`,
// `PATCH, DELETE guest-links/{id}` with the `manageguests` scope; the url they
// give is the registration page's, and it stops working when the link goes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser } from '../helpers/browser.ts';
import { apiBase } from '../helpers/first-party.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

const { alex, gia, sam } = sandboxPeople;
const gate = compactId(sandboxDoors.gate.id);
const neighborDoor = sandboxDoors.neighborGarage;

interface Answer { status: number; body: any; text: string }

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${apiBase}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
}

function refused(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.deepEqual(Object.keys(answer.body), ['errors']);
  assert.equal(answer.body.errors[0].code, code, answer.text);
}

const token = async (baseUrl: string, email: string, scope = 'manageguests') => (await sandboxTokens(baseUrl, { email, scope })).access_token;

for (const engine of engines()) {
  describe(`guest-links API [${engine}]`, () => {
    it('Gia creates "Unit 4B" (defaults 24 h, not auto-approved, active), lists it, changes it, deactivates it and deletes it; its url follows', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const giaToken = await token(baseUrl, gia.email);
      const created = await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [gate] });
      assert.equal(created.status, 201, created.text);
      const link = created.body.data;
      assert.match(link.id, /^[0-9a-f]{32}$/);
      assert.deepEqual({ ...link, id: undefined, url: undefined }, {
        id: undefined, url: undefined, owner_id: gia.id, label: 'Unit 4B', door_ids: [gate], max_hours: 24, auto_approve: false, active: true,
      });
      assert.match(link.url, new RegExp(`^${baseUrl}/u/[A-Za-z0-9_-]{43}$`));
      const path = new URL(link.url).pathname;
      assert.equal((await new Browser(baseUrl).request(path)).status, 200);

      const listed = await call(baseUrl, giaToken, 'GET', 'guest-links');
      assert.deepEqual(listed.body.data, [link]);
      // The Admin sees every link of the account; Sam (no guests permission) is refused.
      assert.deepEqual((await call(baseUrl, await token(baseUrl, alex.email), 'GET', 'guest-links')).body.data.map((item: { id: string }) => item.id), [link.id]);
      refused(await call(baseUrl, await token(baseUrl, sam.email), 'GET', 'guest-links'), 403, 'forbidden');

      const changed = await call(baseUrl, giaToken, 'PATCH', `guest-links/${link.id}`, { max_hours: 4, auto_approve: true, active: false });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual([changed.body.data.max_hours, changed.body.data.auto_approve, changed.body.data.active, changed.body.data.url], [4, true, false, link.url]);
      assert.equal((await new Browser(baseUrl).request(path)).status, 410);

      const deleted = await call(baseUrl, giaToken, 'DELETE', `guest-links/${link.id}`);
      assert.equal(deleted.status, 200);
      assert.equal((await new Browser(baseUrl).request(path)).status, 404);
      refused(await call(baseUrl, giaToken, 'DELETE', `guest-links/${link.id}`), 404, 'not_found');
    });

    it('a change that meets the link\'s deletion answers 200 or 404, never a 500, and leaves no doors behind', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false', PARQEX_RATE_LIMIT_PER_TOKEN: '100000' });
      const giaToken = await token(baseUrl, gia.email);
      for (let round = 1; round <= 10; round += 1) {
        const link = (await call(baseUrl, giaToken, 'POST', 'guest-links', { label: `Race ${round}`, door_ids: [gate] })).body.data;
        const [deleted, ...changes] = await Promise.all([
          call(baseUrl, giaToken, 'DELETE', `guest-links/${link.id}`),
          ...Array.from({ length: 4 }, () => call(baseUrl, giaToken, 'PATCH', `guest-links/${link.id}`, { door_ids: [gate], max_hours: 2 })),
        ]);
        assert.equal(deleted!.status, 200, deleted!.text);
        for (const change of changes) {
          if (change.status !== 200) refused(change, 404, 'not_found');
        }
      }
      assert.equal((await app.db.selectFrom('unit_link_doors').select('door_id').execute()).length, 0);
    });

    it('refuses bad input with the errors shape: no doors, 21 doors, another account\'s door, 169 hours, an empty label; Sam 403; a token without manageguests 403', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const giaToken = await token(baseUrl, gia.email);
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [] }), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: Array(21).fill(gate) }), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [compactId(neighborDoor.id)] }), 404, 'not_found');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [gate], max_hours: 169 }), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: ' ', door_ids: [gate] }), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'x'.repeat(101), door_ids: [gate] }), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B\r\nBcc: x@example.com', door_ids: [gate] }), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [gate], extra: 1 }), 400, 'invalid');
      refused(await call(baseUrl, await token(baseUrl, sam.email), 'POST', 'guest-links', { label: 'Sam', door_ids: [gate] }), 403, 'forbidden');
      refused(await call(baseUrl, await token(baseUrl, gia.email, 'profile'), 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [gate] }), 403, 'forbidden');
      refused(await call(baseUrl, giaToken, 'POST', 'guest-links', { label: 'Unit 4B', door_ids: [gate], account_id: compactId(sandboxAccounts.neighbor.id) }), 404, 'not_found');

      // Another member's link is not found to Gia; Sam cannot touch Gia's.
      const alexLink = (await call(baseUrl, await token(baseUrl, alex.email), 'POST', 'guest-links', { label: 'Lobby', door_ids: [gate] })).body.data;
      refused(await call(baseUrl, giaToken, 'PATCH', `guest-links/${alexLink.id}`, { active: false }), 404, 'not_found');
      refused(await call(baseUrl, giaToken, 'PATCH', 'guest-links/not-an-id', { active: false }), 404, 'not_found');
    });
  });
}
