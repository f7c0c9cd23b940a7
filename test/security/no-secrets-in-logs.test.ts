// The log check: one server, a broad run through everything that carries a
// secret (codes, tokens, client secrets, passwords, PINs, webhook signing
// secrets, device secrets and claim codes, invitation links, session cookies),
// each collected as the run goes; then none of them may appear in the logs, in
// any encoding a log line could carry it (raw, URL-encoded, form-encoded,
// base64 of Basic credentials).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { callInvite, clientTokens, firstPartyClient, linkFromMailbox } from '../helpers/first-party.ts';
import { signedInBrowser, submitAndFollow } from '../helpers/account-page.ts';
import { authorizationQuery, authorize, basic, postToken, sandbox, tokenRequest } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { webhooksApi } from '../helpers/webhooks-api.ts';

/** Every form in which a secret could reach a log line. */
function encodings(secret: string, clientId?: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]);
  if (clientId) {
    for (const pair of [`${clientId}:${secret}`, `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`]) forms.add(Buffer.from(pair).toString('base64'));
  }
  return [...forms];
}

class Secrets {
  readonly #all = new Map<string, string>();

  add(what: string, secret: string | null | undefined, clientId?: string): string {
    assert.ok(secret, `the run produced a ${what}`);
    for (const form of encodings(secret, clientId)) this.#all.set(form, what);
    return secret;
  }

  /** The kinds of secret found in the logs, with the line that holds each. */
  foundIn(logs: string): string[] {
    const lines = logs.split('\n');
    const found: string[] = [];
    for (const [form, what] of this.#all) {
      // A secret counts where it stands on its own, not inside a longer word (the sandbox password
      // begins the sandbox client secret; a PIN's digits may sit inside a timestamp).
      const pattern = new RegExp(`(?<![A-Za-z0-9_-])${form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![A-Za-z0-9_-])`);
      const line = lines.find((candidate) => pattern.test(candidate));
      if (line) found.push(`${what} [${form.slice(0, 10)}…] in: ${line.slice(0, 400)}`);
    }
    return found;
  }
}

for (const engine of engines()) {
  describe(`logs of a whole run [${engine}]`, () => {
    it('contain none of the codes, tokens, secrets, passwords and PINs the run used', async (t) => {
      const { baseUrl, app, logs } = await startServer(t, engine, { LOG_LEVEL: 'debug' });
      const secrets = new Secrets();
      const web = sandbox.client(baseUrl).web;
      const firstParty = firstPartyClient(baseUrl);
      secrets.add('web client secret', web.client_secret, web.client_id);
      secrets.add('first-party client secret', firstParty.client_secret, firstParty.client_id);
      secrets.add('sandbox password', sandbox.password);
      for (const device of Object.values(sandboxDevices)) secrets.add('device secret', device.secret, device.id);

      // Controllers sign in to the broker with their device secrets.
      const controllerA = await sandboxController(t, app, 'a');
      await sandboxController(t, app, 'b');

      // Sign-in with a password, then the authorization code flow through the pages.
      const browser = new Browser(baseUrl);
      const redirect = await authorize(baseUrl, { query: authorizationQuery(baseUrl), browser });
      for (const cookie of await browser.jar.getCookies(baseUrl)) secrets.add('session cookie', cookie.value);
      const code = secrets.add('authorization code', redirect.searchParams.get('code'));

      // The documented legacy token request: GET with the client secret in the query.
      const legacy = await tokenRequest(baseUrl, new URLSearchParams({ client_id: web.client_id, client_secret: web.client_secret, grant_type: 'authorization_code', code, redirect_uri: sandbox.redirectUri }).toString(), { method: 'GET' });
      assert.equal(legacy.status, 200, JSON.stringify(legacy.body));
      const access = secrets.add('access token', legacy.body.access_token as string);
      const refresh = secrets.add('refresh token', legacy.body.refresh_token as string);

      // The same secret sent to mistyped token URLs (never logged, whatever the path).
      for (const path of ['//oauth/v2/endpoints/token/', '/OAUTH/v2/endpoints/token/', '/api/oauth/v2/endpoints/token/', '/oauth/v2/endpoint/token/']) {
        await fetch(`${baseUrl}${path}?${new URLSearchParams({ client_id: web.client_id, client_secret: web.client_secret, grant_type: 'refresh_token', refresh_token: refresh })}`);
      }

      // Refresh (Basic credentials), introspection and revocation.
      const refreshed = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: refresh }, { authorization: basic(web.client_id, web.client_secret) });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const access2 = secrets.add('access token', refreshed.body.access_token);
      const refresh2 = secrets.add('refresh token', refreshed.body.refresh_token);
      // A replay of the rotated token, and a wrong secret: refused, and still not logged.
      await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: refresh, client_id: web.client_id, client_secret: web.client_secret });
      secrets.add('wrong client secret', 'not-the-secret-d8c1f0a2', web.client_id);
      await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: refresh2, client_id: web.client_id, client_secret: 'not-the-secret-d8c1f0a2' });
      await postToken(baseUrl, { grant_type: 'client_credentials', client_id: web.client_id, client_secret: web.client_secret });
      const introspected = await fetch(`${baseUrl}/oauth/v2/endpoints/introspect`, { method: 'POST', headers: { authorization: basic(web.client_id, web.client_secret), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: access2 }) });
      assert.equal(introspected.status, 200);

      // The API: toggles, settings (with the PIN), history.
      const api = (method: string, path: string, token: string, body?: unknown) => fetch(`${baseUrl}/oauth/v1/endpoints/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal((await api('POST', 'toggle', access2, { door_id: compactId(sandboxDoors.garage.id), door_state: 'OPEN' })).status, 200);
      assert.equal((await api('POST', 'toggle', access2, { door_id: compactId(sandboxDoors.lobby.id), door_state: 'OPEN' })).status, 200);
      await api('GET', 'toggle-history', access2);
      await api('GET', 'sync', `${access2}x`);

      // Sam chooses a new keypad PIN on his Settings page and enters it at the lobby keypad.
      const pin = secrets.add('keypad PIN', '73915286');
      const sam = await signedInBrowser(baseUrl, sandboxPeople.sam.email);
      for (const cookie of await sam.jar.getCookies(baseUrl)) secrets.add('session cookie', cookie.value);
      const saved = await submitAndFollow(sam, '/account/settings/preferences', { notifications: 'on', tone: 'door_open', time_zone: 'America/New_York', pin, share_pin: 'on' }, '/account/settings');
      assert.deepEqual(saved.flash, { info: 'Settings saved.' });
      const movements = controllerA.movements;
      await controllerA.enterPin(sandboxDoors.lobby.entity_number, pin);
      await until(() => controllerA.movements === movements + 1);
      secrets.add('wrong keypad PIN', '84026391');
      await controllerA.enterPin(sandboxDoors.lobby.entity_number, '84026391');

      // The first-party app reads the settings (pin_code) and invites a new person, who signs up through the link.
      const firstPartyTokens = await clientTokens(baseUrl, firstParty);
      secrets.add('access token', firstPartyTokens.access_token);
      secrets.add('refresh token', firstPartyTokens.refresh_token);
      assert.equal((await api('POST', 'user-info', firstPartyTokens.access_token)).status, 200);
      const invited = await callInvite(baseUrl, firstPartyTokens.access_token, 'POST', { email_address: 'log.check@example.test', door_ids: [compactId(sandboxDoors.garage.id)] });
      assert.equal(invited.status, 200, JSON.stringify(invited.body));
      const link = await linkFromMailbox(baseUrl, 'log.check@example.test');
      secrets.add('invitation token', new URL(link).pathname.split('/').pop());
      const invitee = new Browser(baseUrl);
      const invitationPage = await invitee.request(link);
      const newPassword = secrets.add('new password', 'Correct-Horse-Battery-9127');
      const signedUp = await invitee.request(`${new URL(link).pathname}/sign-up`, { form: { _csrf: csrfToken(invitationPage.body), first_name: 'Log', last_name: 'Check', password: newPassword } });
      assert.ok(signedUp.status < 400, `sign-up: ${signedUp.status} ${signedUp.body.slice(0, 300)}`);

      // Alex claims the spare controller with its claim code.
      const alex = await signedInBrowser(baseUrl, sandboxPeople.alex.email);
      secrets.add('claim code', sandboxDevices.spare.claimCode);
      const controllersPage = `/accounts/${sandboxAccounts.residence.id}/controllers`;
      secrets.add('wrong claim code', 'wrong-claim-code-6f02');
      const wrongClaim = await submitAndFollow(alex, `${controllersPage}/claim`, { blackbox_code: sandboxDevices.spare.blackbox_code, claim_code: 'wrong-claim-code-6f02' }, controllersPage);
      assert.ok(wrongClaim.flash.error, 'a wrong claim code is refused');
      const claimed = await submitAndFollow(alex, `${controllersPage}/claim`, { blackbox_code: sandboxDevices.spare.blackbox_code, claim_code: sandboxDevices.spare.claimCode }, controllersPage);
      assert.deepEqual(claimed.flash, { info: 'Controller claimed: its doors are now the account\'s.' });
      const stranger = new Browser(baseUrl);
      const loginPage = await stranger.request('/login');
      secrets.add('wrong password', 'wrong-password-5e71');
      await stranger.request('/login', { form: { _csrf: csrfToken(loginPage.body), email: sandboxPeople.alex.email, password: 'wrong-password-5e71' } });

      // A webhook endpoint (its signing secret and API key), and a delivery signed with it.
      const receiver = await startReceiver(t);
      const created = await webhooksApi(baseUrl, basic(web.client_id, web.client_secret))('POST', '/endpoints', { url: receiver.url });
      assert.ok(created.status === 200 || created.status === 201, JSON.stringify(created.body));
      secrets.add('webhook signing secret', created.body.data.signing_secret);
      secrets.add('webhook signing key', String(created.body.data.signing_secret).replace(/^whsec_/, ''));
      secrets.add('webhook API key', created.body.data.api_key);
      const rotated = await webhooksApi(baseUrl, basic(web.client_id, web.client_secret))('POST', `/endpoints/${created.body.data.id}/rotate-secret`);
      if (rotated.status < 300) secrets.add('webhook signing secret', rotated.body.data.signing_secret);
      assert.equal((await api('POST', 'toggle', access2, { door_id: compactId(sandboxDoors.garage.id), door_state: 'CLOSED' })).status, 200);
      await until(() => receiver.received.length > 0, 10_000);

      // Revocation last: the refresh token, then a request with the revoked access token.
      const revoked = await fetch(`${baseUrl}/oauth/v2/endpoints/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: refresh2, client_id: web.client_id, client_secret: web.client_secret }) });
      assert.equal(revoked.status, 200);
      assert.equal((await api('GET', 'user-info', access2)).status, 401);
      await api('GET', 'user-info', access);

      // Sam changes his password on the Settings page: once with a wrong current one, then for real.
      secrets.add('wrong current password', 'not-my-password-3b9e');
      const changedPassword = secrets.add('changed password', 'Staple-Battery-Horse-4410');
      const wrongCurrent = await submitAndFollow(sam, '/account/settings/password', { current_password: 'not-my-password-3b9e', new_password: changedPassword }, '/account/settings');
      assert.ok(wrongCurrent.flash.error, 'a wrong current password is refused');
      const changed = await submitAndFollow(sam, '/account/settings/password', { current_password: sandbox.password, new_password: changedPassword }, '/account/settings');
      assert.equal(changed.flash.error, undefined, changed.flash.error);

      const captured = logs();
      assert.ok(captured.split('\n').length > 50, 'the run was logged');
      assert.deepEqual(secrets.foundIn(captured), []);
    });
  });
}
