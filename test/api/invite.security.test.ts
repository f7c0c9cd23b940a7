import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { callInvite, firstPartyToken } from '../helpers/first-party.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';

const residenceDoors = [sandboxDoors.garage, sandboxDoors.gate, sandboxDoors.lobby, sandboxDoors.sideGarage].map((door) => compactId(door.id));
const inAWeek = () => new Date(Date.now() + 7 * 86400_000).toISOString();

for (const engine of engines()) {
  describe(`invite: who may call it [${engine}]`, () => {
    it('refuses Sam 403 for the gate: a User without the sharing permission', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const samToken = await firstPartyToken(baseUrl, { email: sandbox.people.sam.email });
      const refused = await callInvite(baseUrl, samToken, 'POST', { email_address: 'friend@example.com', door_ids: [compactId(sandboxDoors.gate.id)], ends_at: inAWeek() });
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.body, { errors: [{ message: 'You may not share this door.' }] });
      const removal = await callInvite(baseUrl, samToken, 'DELETE', { email_address: 'friend@example.com', door_ids: [compactId(sandboxDoors.gate.id)] });
      assert.equal(removal.status, 403);
      const mailbox = await (await fetch(`${baseUrl}/dev/mailbox`)).text();
      assert.match(mailbox, /No mail yet/);
    });

    it('answers Nora 404 for every door of Sandbox Residence, on both methods', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const noraToken = await firstPartyToken(baseUrl, { email: sandbox.people.nora.email });
      for (const doorId of residenceDoors) {
        const invite = await callInvite(baseUrl, noraToken, 'POST', { email_address: 'friend@example.com', door_ids: [doorId] });
        assert.equal(invite.status, 404, doorId);
        assert.deepEqual(invite.body, { errors: [{ message: 'No such door.' }] });
        const removal = await callInvite(baseUrl, noraToken, 'DELETE', { email_address: sandbox.people.sam.email, door_ids: [doorId] });
        assert.equal(removal.status, 404, doorId);
      }
    });

    it('answers any client that is not first-party exactly like an unknown route (404), even for the Admin', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      const unknown = await fetch(`${baseUrl}/oauth/v1/endpoints/nothing-here`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
      const unknownBody = await unknown.json();
      assert.equal(unknown.status, 404);
      for (const prefix of ['/oauth/v1/endpoints', '/api/oauth/v1/endpoint']) {
        for (const [method, body] of [['POST', { email_address: 'friend@example.com', door_ids: [residenceDoors[0]] }], ['DELETE', { email_address: sandbox.people.sam.email }], ['POST', { bad: 'input' }]] as const) {
          const answer = await callInvite(baseUrl, access_token, method, body, prefix);
          assert.equal(answer.status, 404, `${method} ${prefix}`);
          assert.deepEqual(answer.body, unknownBody);
        }
      }
      // Nothing happened: Sam keeps his lobby door.
      const sync = await (await fetch(`${baseUrl}/oauth/v1/endpoints/sync`, { headers: { authorization: `Bearer ${(await sandboxTokens(baseUrl, { email: sandbox.people.sam.email })).access_token}` } })).json() as { devices: { doors: { name: string }[] }[] };
      assert.ok(sync.devices.flatMap((device) => device.doors).some((door) => door.name === 'Lobby Door'));
    });

    it('answers 401 without a token and 405 for another method', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const none = await callInvite(baseUrl, undefined, 'POST', { email_address: 'friend@example.com', door_ids: [residenceDoors[0]] });
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      const wrongMethod = await callInvite(baseUrl, undefined, 'GET');
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'POST, DELETE');
    });
  });
}
