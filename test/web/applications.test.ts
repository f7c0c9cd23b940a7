import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { signedInBrowser } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { csrfToken } from '../helpers/browser.ts';
import { authorize, authorizationQuery, postToken, sandbox, userInfo } from '../helpers/oauth.ts';

const { alex } = sandboxPeople;

async function codeFor(baseUrl: string, options: { untick?: string[]; scope?: string } = {}): Promise<string> {
  const query = authorizationQuery(baseUrl, options.scope !== undefined ? { scope: options.scope } : {});
  return (await authorize(baseUrl, { query, untick: options.untick })).searchParams.get('code')!;
}

async function tokensFor(baseUrl: string, code: string) {
  const client = sandbox.client(baseUrl).web;
  return postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret });
}

const applicationNames = (page: string) => [...page.matchAll(/<li class="application">\s*<h2>([^<]*)<\/h2>/g)].map((match) => match[1]);

for (const engine of engines()) {
  describe(`the Applications page [${engine}]`, () => {
    it('lists an application once with every permission, its doors and last use in my zone, and removes it after a confirmation', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, alex.email);
      const first = (await tokensFor(baseUrl, await codeFor(baseUrl, { untick: [sandboxDoors.garage.id] }))).body;
      // Authorized a second time, read-only: still one application, holding what both grants hold.
      await tokensFor(baseUrl, await codeFor(baseUrl, { untick: [sandboxDoors.garage.id, sandboxDoors.gate.id], scope: '' }));
      await app.db.updateTable('person_settings').set({ time_zone: 'Europe/Paris' }).where('person_id', '=', alex.id).execute();
      assert.equal((await userInfo(baseUrl, first.access_token as string)).status, 200);

      const page = await browser.request('/account/applications');
      assert.equal(page.status, 200);
      assert.deepEqual(applicationNames(page.body), ['Sandbox Smart Home']);
      assert.match(page.body, /<li>See your name, the doors you choose and their state, and their access history<\/li>\s*<li>See your settings, including your keypad PIN if you share it<\/li>\s*<li>Open your doors, gates and garages<\/li>\s*<li>Close your doors, gates and garages<\/li>/);
      assert.match(page.body, /Doors: Driveway Gate, Lobby Door, Side Garage/);
      assert.match(page.body, /Last used: \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Paris/);
      assert.doesNotMatch(page.body, /UTC/);

      const confirmUrl = /href="(\/account\/applications\/[^"]+\/revoke)"/.exec(page.body)![1]!;
      const confirm = await browser.request(confirmUrl);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /<h1>Remove Sandbox Smart Home\?<\/h1>/);
      assert.equal((await userInfo(baseUrl, first.access_token as string)).status, 200, 'the confirmation page changes nothing');
      const removed = await browser.request(confirmUrl, { form: { _csrf: csrfToken(confirm.body) } });
      assert.equal(removed.status, 303);
      assert.equal(removed.location, '/account/applications');
      const after = await browser.request('/account/applications');
      assert.match(after.body, /<p class="notice" role="status" id="flash">Sandbox Smart Home can no longer reach your doors or your account\.<\/p>/);
      assert.deepEqual(applicationNames(after.body), []);
      assert.match(after.body, /You have not authorized any application\./);

      assert.equal((await userInfo(baseUrl, first.access_token as string)).status, 401);
      const client = sandbox.client(baseUrl).web;
      const refresh = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(refresh.body.error, 'invalid_grant');
      assert.equal((await app.db.selectFrom('authorizations').select('grant_id').execute()).length, 0);
    });

    it('no longer lists an application whose grant a replayed authorization code revoked', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const code = await codeFor(baseUrl);
      const tokens = (await tokensFor(baseUrl, code)).body;
      const browser = await signedInBrowser(baseUrl, alex.email);
      assert.deepEqual(applicationNames((await browser.request('/account/applications')).body), ['Sandbox Smart Home']);
      const replay = await tokensFor(baseUrl, code);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal((await userInfo(baseUrl, tokens.access_token as string)).status, 401);
      assert.deepEqual(applicationNames((await browser.request('/account/applications')).body), []);
    });

    it("does not let one person see or remove another person's application [404]", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await tokensFor(baseUrl, await codeFor(baseUrl));
      const client = sandbox.client(baseUrl).web.client_id;
      const nora = await signedInBrowser(baseUrl, sandbox.people.nora.email);
      const page = await nora.request('/account/applications');
      assert.deepEqual(applicationNames(page.body), []);
      const url = `/account/applications/${encodeURIComponent(client)}/revoke`;
      assert.equal((await nora.request(url)).status, 404);
      const attempt = await nora.request(url, { form: { _csrf: csrfToken(page.body) } });
      assert.equal(attempt.status, 404);
      assert.ok(await app.db.selectFrom('authorizations').select('grant_id').executeTakeFirst());
    });

    it('requires the CSRF token to remove an application [403]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await tokensFor(baseUrl, await codeFor(baseUrl));
      const browser = await signedInBrowser(baseUrl, alex.email);
      await browser.request('/account/applications');
      const forged = await browser.request(`/account/applications/${encodeURIComponent(sandbox.client(baseUrl).web.client_id)}/revoke`, { form: {} });
      assert.equal(forged.status, 403);
      assert.ok(await app.db.selectFrom('authorizations').select('grant_id').executeTakeFirst());
    });
  });
}
