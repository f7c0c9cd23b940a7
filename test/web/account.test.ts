import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxAccounts, sandboxDevices, sandboxDoors } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { authorize, authorizationQuery, postToken, sandbox, userInfo } from '../helpers/oauth.ts';

async function signedInBrowser(baseUrl: string, email: string) {
  const browser = new Browser(baseUrl);
  const page = await browser.request('/login');
  const login = await browser.request('/login', { form: { _csrf: csrfToken(page.body), email, password: sandbox.password } });
  assert.equal(login.status, 303);
  return browser;
}

for (const engine of engines()) {
  describe(`the account page [${engine}]`, () => {
    it('lists an authorized application with its doors and scopes, and removing it kills its tokens at once', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const browser = await signedInBrowser(baseUrl, sandbox.people.alex.email);
      const client = sandbox.client(baseUrl).web;
      const code = (await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser, untick: [sandboxDoors.garage.id] })).searchParams.get('code')!;
      const tokens = (await postToken(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri, client_id: client.client_id, client_secret: client.client_secret })).body;
      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 200);

      const account = await browser.request('/account');
      assert.match(account.body, /Sandbox Smart Home/);
      assert.match(account.body, /Doors: Driveway Gate, Lobby Door, Side Garage/);
      assert.match(account.body, /Open your doors, gates and garages/);
      const action = /action="(\/account\/applications\/[^"]+\/revoke)"/.exec(account.body)![1]!;
      const removed = await browser.request(action, { form: { _csrf: csrfToken(account.body) } });
      assert.equal(removed.status, 303);

      assert.equal((await userInfo(baseUrl, tokens.access_token)).status, 401);
      const refresh = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
      assert.equal(refresh.body.error, 'invalid_grant');
      assert.doesNotMatch((await browser.request('/account')).body, /Sandbox Smart Home/);
    });

    it("does not let one person remove another person's application", async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      await authorize(baseUrl, { query: authorizationQuery(baseUrl) });
      const grant = await app.db.selectFrom('authorizations').select('grant_id').executeTakeFirstOrThrow();
      const nora = await signedInBrowser(baseUrl, sandbox.people.nora.email);
      const page = await nora.request('/account');
      const attempt = await nora.request(`/account/applications/${grant.grant_id}/revoke`, { form: { _csrf: csrfToken(page.body) } });
      assert.equal(attempt.status, 404);
      assert.ok(await app.db.selectFrom('authorizations').select('grant_id').executeTakeFirst());
    });

    it('lets the Admin switch third-party access off, and only the Admin', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const sam = await signedInBrowser(baseUrl, sandbox.people.sam.email);
      const samPage = await sam.request('/account');
      assert.doesNotMatch(samPage.body, /third-party/);
      const refused = await sam.request(`/account/accounts/${sandboxAccounts.residence.id}/third-party`, { form: { _csrf: csrfToken(samPage.body), enabled: 'false' } });
      assert.equal(refused.status, 403);
      const alex = await signedInBrowser(baseUrl, sandbox.people.alex.email);
      const page = await alex.request('/account');
      const off = await alex.request(`/account/accounts/${sandboxAccounts.residence.id}/third-party`, { form: { _csrf: csrfToken(page.body), enabled: 'false' } });
      assert.equal(off.status, 303);
      const row = await app.db.selectFrom('accounts').select('third_party_access').where('id', '=', sandboxAccounts.residence.id).executeTakeFirstOrThrow();
      assert.equal(row.third_party_access, 0);
    });

    it('claims a controller with its serial and claim code, and refuses a wrong code without saying which part was wrong', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const alex = await signedInBrowser(baseUrl, sandbox.people.alex.email);
      const page = await alex.request('/account');
      const url = `/account/accounts/${sandboxAccounts.residence.id}/controllers`;
      const wrong = await alex.request(url, { form: { _csrf: csrfToken(page.body), blackbox_code: sandboxDevices.spare.blackbox_code, claim_code: 'guess' } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /do not match a controller that can be claimed/);
      const claimed = await alex.request(url, { form: { _csrf: csrfToken(page.body), blackbox_code: sandboxDevices.spare.blackbox_code.toUpperCase(), claim_code: sandboxDevices.spare.claimCode } });
      assert.equal(claimed.status, 303);
      const device = await app.db.selectFrom('devices').select('account_id').where('id', '=', sandboxDevices.spare.id).executeTakeFirstOrThrow();
      assert.equal(device.account_id, sandboxAccounts.residence.id);
      // Already claimed: Nora cannot take it, even with the code.
      const nora = await signedInBrowser(baseUrl, sandbox.people.nora.email);
      const noraPage = await nora.request('/account');
      const stolen = await nora.request(`/account/accounts/${sandboxAccounts.neighbor.id}/controllers`, { form: { _csrf: csrfToken(noraPage.body), blackbox_code: sandboxDevices.spare.blackbox_code, claim_code: sandboxDevices.spare.claimCode } });
      assert.equal(stolen.status, 400);
    });
  });
}
