// The developer console's webhook pages over HTTP, against a real local receiver.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { startServer } from '../helpers/build-app.ts';
import { csrfToken } from '../helpers/browser.ts';
import { applicationForm, createApplicationInConsole, signedInDeveloper, submitFrom, type Developer } from '../helpers/developers.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { sandbox } from '../helpers/oauth.ts';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { updateSettings } from '../../src/access/settings.ts';
import { createBox, deriveKey } from '../../src/security/encryption.ts';
import { zonedTime } from '../../src/web/developers/forms.ts';

const redirect = 'http://127.0.0.1:9/callback';

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function registerEndpoint(developer: Developer, appPath: string, url: string, eventTypes: string[] = ['*']) {
  const registered = await submitFrom(developer.browser, appPath, `${appPath}/endpoints`, { url, event_types: eventTypes });
  assert.equal(registered.status, 303, registered.body.slice(0, 300));
  const path = registered.location!;
  const page = await developer.browser.request(path);
  assert.equal(page.status, 200);
  const signing = /Signing secret \(webhook-signature\)<\/dt><dd><code class="dev-secret">([^<]+)</.exec(page.body)?.[1];
  const apiKey = /API key \(X-ParqEx-Api-Key\)<\/dt><dd><code class="dev-secret">([^<]+)</.exec(page.body)?.[1];
  assert.ok(signing?.startsWith('whsec_') && apiKey?.startsWith('pqx_'), 'the endpoint page shows its secrets after registration');
  return { path, signing, apiKey };
}

describe('/developers webhooks', () => {
  it('registers an endpoint (secrets shown once), sends a test event, logs the attempt with status, latency and excerpt, and redelivers it', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const receiver = await startReceiver(t);
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    const endpoint = await registerEndpoint(dana, created.path, receiver.url, ['access', 'door<N>_open']);
    const again = await dana.browser.request(endpoint.path);
    assert.ok(!again.body.includes(endpoint.signing!) && !again.body.includes(endpoint.apiKey!), 'the endpoint secrets are shown twice');
    assert.match(again.body, /access, door&#60;N&#62;_open/);

    const sent = await submitFrom(dana.browser, endpoint.path, `${endpoint.path}/test`);
    assert.equal(sent.status, 303);
    assert.match((await dana.browser.request(endpoint.path)).body, /A test event \(webhook_test\) is on its way/);
    const delivery = await until('the test delivery', () => receiver.received[0]);
    const body = JSON.parse(delivery.body) as Record<string, string>;
    assert.equal(body.eventType, 'webhook_test');
    assert.equal(delivery.headers['x-parqex-api-key'], endpoint.apiKey);
    assert.equal(body.userID, dana.id.replaceAll('-', ''));

    const log = await until('the attempt in the log', async () => {
      const page = await dana.browser.request(endpoint.path);
      return page.body.includes('200 OK') ? page.body : undefined;
    });
    assert.match(log, /Time \(America\/New_York\)/);
    // Times are the person's own: in Tokyo, the attempt is shown at Tokyo's time, the zone named.
    const key = app.config.secrets.encryptionKey;
    await updateSettings({ db: app.db, box: createBox(key), pinKey: deriveKey(key, 'pin lookup') }, dana.id, { timeZone: 'Asia/Tokyo' });
    const attempted = await app.db.selectFrom('webhook_attempts').select('attempted_at').executeTakeFirstOrThrow();
    const inTokyo = (await dana.browser.request(endpoint.path)).body;
    assert.match(inTokyo, /Time \(Asia\/Tokyo\)/);
    assert.ok(inTokyo.includes(`<td>${zonedTime(Number(attempted.attempted_at), 'Asia/Tokyo')}</td>`), 'the attempt at Tokyo time');
    assert.match(log, /<code>webhook_test<\/code>/);
    assert.match(log, /\d+ ms/);
    assert.match(log, /<code class="dev-excerpt">ok<\/code>/);
    assert.match(log, /Delivered/);

    const action = new RegExp(`action="(${endpoint.path}/deliveries/${body.id}/redeliver)"`).exec(log)?.[1];
    assert.ok(action, 'a redeliver button for the delivery');
    const redelivered = await dana.browser.request(action, { form: { _csrf: csrfToken(log) } });
    assert.equal(redelivered.status, 303);
    await until('the redelivery', () => receiver.received[1]);
    assert.equal(JSON.parse(receiver.received[1]!.body).id, body.id, 'a redelivery keeps its id');
    await until('two attempts in the log', async () => ((await dana.browser.request(endpoint.path)).body.match(/200 OK/g)?.length ?? 0) >= 2);
  });

  it('rotates the signing secret behind a confirmation, disables and enables, and deletes behind a confirmation', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const receiver = await startReceiver(t);
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    const endpoint = await registerEndpoint(dana, created.path, receiver.url);
    const ask = await dana.browser.request(`${endpoint.path}/rotate-secret`);
    assert.match(ask.body, /Rotate the signing secret of/);
    const rotated = await dana.browser.request(`${endpoint.path}/rotate-secret`, { form: { _csrf: csrfToken(ask.body) } });
    assert.equal(rotated.status, 303);
    const shown = (await dana.browser.request(endpoint.path)).body;
    const secret = /<code class="dev-secret">(whsec_[^<]+)</.exec(shown)?.[1];
    assert.ok(secret && secret !== endpoint.signing);
    assert.ok(!(await dana.browser.request(endpoint.path)).body.includes(secret));

    assert.equal((await submitFrom(dana.browser, endpoint.path, `${endpoint.path}/disable`)).status, 303);
    const disabled = await dana.browser.request(endpoint.path);
    assert.match(disabled.body, /Endpoint disabled/);
    assert.doesNotMatch(disabled.body, />Send a test event<\/button>/);
    const test = await dana.browser.request(`${endpoint.path}/test`, { form: { _csrf: csrfToken(disabled.body) } });
    assert.equal(test.status, 303);
    assert.match((await dana.browser.request(endpoint.path)).body, /role="alert" id="flash"[^>]*>This endpoint is disabled/);
    assert.equal((await submitFrom(dana.browser, endpoint.path, `${endpoint.path}/enable`)).status, 303);
    assert.match((await dana.browser.request(endpoint.path)).body, />Send a test event<\/button>/);

    const confirm = await dana.browser.request(`${endpoint.path}/delete`);
    const deleted = await dana.browser.request(`${endpoint.path}/delete`, { form: { _csrf: csrfToken(confirm.body) } });
    assert.equal(deleted.location, created.path);
    assert.equal((await dana.browser.request(endpoint.path)).status, 404);
  });

  it('refuses every console form without its CSRF token or with a wrong one (403), changing nothing', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    const endpoint = await registerEndpoint(dana, created.path, 'http://127.0.0.1:9/hook');
    const deliveryId = 'A'.repeat(32);
    const actions = [
      '/developers/applications', created.path, `${created.path}/rotate-secret`, `${created.path}/delete`, `${created.path}/endpoints`, `${created.path}/sandbox-toggle`,
      `${endpoint.path}/test`, `${endpoint.path}/disable`, `${endpoint.path}/enable`, `${endpoint.path}/rotate-secret`, `${endpoint.path}/delete`, `${endpoint.path}/deliveries/${deliveryId}/redeliver`,
    ];
    for (const action of actions) {
      assert.equal((await dana.browser.request(action, { form: { name: 'x' } })).status, 403, `${action} without a token`);
      assert.equal((await dana.browser.request(action, { form: { _csrf: 'wrong' } })).status, 403, `${action} with a wrong token`);
    }
    assert.equal((await dana.browser.request(created.path)).status, 200);
    assert.equal((await dana.browser.request(endpoint.path)).status, 200);
  });

  it('refuses a URL or an event type the rules refuse, back to the form with what was typed and that field marked [an event type named "username"]', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    const refused = await submitFrom(dana.browser, created.path, `${created.path}/endpoints`, { url: 'http://example.com/hook', event_types: ['enforcer'] });
    assert.equal(refused.status, 303);
    const back = await dana.browser.request(created.path);
    assert.match(back.body, /role="alert" id="flash"[^>]*>url: /);
    assert.match(back.body, /id="f-url" name="url"[^>]*aria-invalid="true"[^>]*value="http:\/\/example\.com\/hook"/);
    assert.match(back.body, /id="et-enforcer" name="event_types" value="enforcer" checked/);
    assert.doesNotMatch(back.body, /id="et-all" name="event_types" value="\*" checked/);

    // The event types are marked, whatever words the message holds ("username" holds "name").
    await submitFrom(dana.browser, created.path, `${created.path}/endpoints`, { url: 'http://127.0.0.1:9/hook', event_types: ['username'] });
    const unknown = await dana.browser.request(created.path);
    assert.match(unknown.body, /role="alert" id="flash"[^>]*>event_types: unknown event type or category &#34;username&#34;/);
    assert.match(unknown.body, /<fieldset class="event-types" aria-describedby="flash">/);
    assert.doesNotMatch(unknown.body, /id="f-url" name="url"[^>]*aria-invalid/);
  });

  it('keeps another developer off the endpoints, their log and their actions (404)', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const receiver = await startReceiver(t);
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const eve = await signedInDeveloper(app.db, baseUrl, 'Eve');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    const endpoint = await registerEndpoint(dana, created.path, receiver.url);
    const eveApp = await createApplicationInConsole(eve, applicationForm(redirect));
    const token = csrfToken((await eve.browser.request(eveApp.path)).body);
    for (const path of [endpoint.path, `${endpoint.path}/rotate-secret`, `${endpoint.path}/delete`]) assert.equal((await eve.browser.request(path)).status, 404, path);
    for (const action of ['test', 'disable', 'enable', 'rotate-secret', 'delete']) {
      assert.equal((await eve.browser.request(`${endpoint.path}/${action}`, { form: { _csrf: token } })).status, 404, action);
    }
    // Her own application's path with Dana's endpoint id is not found either.
    const endpointId = endpoint.path.split('/').at(-1)!;
    assert.equal((await eve.browser.request(`${eveApp.path}/endpoints/${endpointId}`)).status, 404);
    assert.equal((await eve.browser.request(`${eveApp.path}/endpoints/${endpointId}/test`, { form: { _csrf: token } })).status, 404);
    assert.equal(receiver.received.length, 0);
  });

  it('fires a real sandbox door toggle as Alex through the application, whose door event reaches the endpoint', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite', { PARQEX_SIMULATOR: 'true', PARQEX_SIMULATOR_TRAVEL_MS: '200' });
    const receiver = await startReceiver(t);
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    assert.match(created.page, /Try it in the sandbox/);
    await registerEndpoint(dana, created.path, receiver.url, ['door<N>_open']);
    const fired = await until('the controller online', async () => {
      await submitFrom(dana.browser, created.path, `${created.path}/sandbox-toggle`);
      const page = await dana.browser.request(created.path);
      return page.body.includes('Lobby Door opened as Alex Admin') ? page.body : undefined;
    }, 15_000);
    assert.match(fired, /Alex Admin authorized Acme Garage Sync first/);
    const event = await until('the door event', () => receiver.received.map((r) => JSON.parse(r.body) as Record<string, string>).find((b) => b.eventType === 'door3_open'));
    assert.equal(event.doorID, sandboxDoors.lobby.id.replaceAll('-', ''));
    assert.equal(event.channel, 'API: Acme Garage Sync');
    assert.equal(event.userID, sandbox.people.alex.id.replaceAll('-', ''));
  });
});
