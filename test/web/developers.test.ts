// The developer console over HTTP, through the real server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer } from '../helpers/build-app.ts';
import { Browser, csrfToken } from '../helpers/browser.ts';
import { applicationForm, createApplicationInConsole, signedInDeveloper, submitFrom } from '../helpers/developers.ts';
import { basic, form, sandbox } from '../helpers/oauth.ts';

const redirect = 'http://127.0.0.1:9/callback';

describe('/developers', () => {
  it('shows a signed-out visitor what the platform offers, with sign-in and sign-up links', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const page = await new Browser(baseUrl).request('/developers');
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Build on ParqEx<\/h1>/);
    assert.match(page.body, /href="\/login\?next=%2Fdevelopers">Sign in</);
    assert.match(page.body, /href="\/signup\?next=%2Fdevelopers">Create a developer login</);
  });

  it('sends a signed-out visitor of an application page to sign in', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const page = await new Browser(baseUrl).request('/developers/applications/new');
    assert.equal(page.status, 303);
    assert.equal(page.location, '/login?next=%2Fdevelopers%2Fapplications%2Fnew');
  });

  it('creates an application, shows its secret once, and the secret works at the token endpoint', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    assert.match(created.clientId, /^\d{18}\.127\.0\.0\.1$/);
    assert.match(created.page, /Copy them now/);
    const again = await dana.browser.request(created.path);
    assert.equal(again.status, 200);
    assert.ok(again.body.includes(created.clientId), 'the client id stays on the page');
    assert.ok(!again.body.includes(created.secret), 'the secret is shown a second time');
    const list = await dana.browser.request('/developers');
    assert.match(list.body, /Acme Garage Sync/);
    assert.ok(!list.body.includes(created.secret));
    // The secret is the client's: a wrong code is invalid_grant, not invalid_client.
    const token = await fetch(`${baseUrl}/oauth/v2/endpoints/token`, { ...form({ grant_type: 'authorization_code', code: 'nope', redirect_uri: redirect }), headers: { authorization: basic(created.clientId, created.secret), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal((await token.json() as { error: string }).error, 'invalid_grant');
  });

  it('refuses a form without its CSRF token, and an invalid redirect URI back to the form with what was typed', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const forged = await dana.browser.request('/developers/applications', { form: applicationForm(redirect) });
    assert.equal(forged.status, 403);
    const wrong = await dana.browser.request('/developers/applications', { form: { ...applicationForm(redirect), _csrf: 'not-the-token' } });
    assert.equal(wrong.status, 403);
    assert.match(wrong.headers.get('content-type') ?? '', /text\/html/);
    const refusedForm = await submitFrom(dana.browser, '/developers/applications/new', '/developers/applications', applicationForm('javascript:alert(1)'));
    assert.equal(refusedForm.status, 303);
    assert.equal(refusedForm.location, '/developers/applications/new');
    const back = await dana.browser.request('/developers/applications/new');
    assert.match(back.body, /role="alert" id="flash"[^>]*>redirect URI &#34;javascript:alert\(1\)&#34;: the javascript: scheme is not allowed/);
    assert.match(back.body, /id="f-redirect_uris" name="redirect_uris"[^>]*aria-invalid="true"[^>]*>javascript:alert\(1\)<\/textarea>/);
    assert.match(back.body, /value="Acme Garage Sync"/);
    assert.equal((await dana.browser.request('/developers')).body.includes('Acme Garage Sync'), false);

    // The registration rules name the field they refuse: the form marks it, no other.
    await submitFrom(dana.browser, '/developers/applications/new', '/developers/applications', applicationForm(redirect, { contact_email: 'dana at example' }));
    const badEmail = await dana.browser.request('/developers/applications/new');
    assert.match(badEmail.body, /id="f-contact_email" name="contact_email"[^>]*aria-invalid="true"/);
    assert.doesNotMatch(badEmail.body, /id="f-redirect_uris" name="redirect_uris"[^>]*aria-invalid/);
  });

  it('edits details, rotates the secret behind a confirmation (the old one stops working), and deletes behind a confirmation', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    const edited = await submitFrom(dana.browser, `${created.path}/edit`, created.path, { ...applicationForm(`${redirect}\nhttps://acme.example/cb`), name: 'Acme Two' });
    assert.equal(edited.status, 303);
    const page = await dana.browser.request(created.path);
    assert.match(page.body, /Changes saved\./);
    assert.match(page.body, /<h1>Acme Two<\/h1>/);
    assert.match(page.body, /https:\/\/acme\.example\/cb/);

    const confirm = await dana.browser.request(`${created.path}/rotate-secret`);
    assert.match(confirm.body, /Rotate the secret of Acme Two\?/);
    const rotated = await dana.browser.request(`${created.path}/rotate-secret`, { form: { _csrf: csrfToken(confirm.body) } });
    assert.equal(rotated.status, 303);
    const shown = await dana.browser.request(rotated.location!);
    const secret = /<dt>client_secret<\/dt><dd><code class="dev-secret">([^<]+)</.exec(shown.body)?.[1];
    assert.ok(secret && secret !== created.secret);
    assert.ok(!(await dana.browser.request(created.path)).body.includes(secret), 'the new secret is shown twice');
    const old = await fetch(`${baseUrl}/oauth/v2/endpoints/token`, { ...form({ grant_type: 'authorization_code', code: 'x', redirect_uri: redirect }), headers: { authorization: basic(created.clientId, created.secret), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(old.status, 401);

    const ask = await dana.browser.request(`${created.path}/delete`);
    assert.match(ask.body, /Delete Acme Two\?/);
    const deleted = await dana.browser.request(`${created.path}/delete`, { form: { _csrf: csrfToken(ask.body) } });
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, '/developers');
    assert.equal((await dana.browser.request(created.path)).status, 404);
  });

  it('keeps each developer to their own applications: another one\'s pages and forms are 404', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const eve = await signedInDeveloper(app.db, baseUrl, 'Eve');
    const created = await createApplicationInConsole(dana, applicationForm(redirect));
    assert.ok(!(await eve.browser.request('/developers')).body.includes('Acme Garage Sync'));
    for (const path of [created.path, `${created.path}/edit`, `${created.path}/rotate-secret`, `${created.path}/delete`]) {
      assert.equal((await eve.browser.request(path)).status, 404, path);
    }
    const eveToken = csrfToken((await eve.browser.request('/developers/applications/new')).body);
    for (const action of [created.path, `${created.path}/rotate-secret`, `${created.path}/delete`, `${created.path}/endpoints`]) {
      const answer = await eve.browser.request(action, { form: { _csrf: eveToken, ...applicationForm(redirect), url: 'http://127.0.0.1:9/hook', event_types: '*' } });
      assert.equal(answer.status, 404, action);
    }
    // The operator's (sandbox) applications are nobody's in the console either.
    assert.equal((await dana.browser.request(`/developers/applications/${sandbox.client(baseUrl).web.client_id}`)).status, 404);
    assert.equal((await dana.browser.request(created.path)).status, 200);
  });

  it('creates a production application pending: the authorization endpoint refuses it until `clients approve`', async (t) => {
    const { baseUrl, app } = await startServer(t, 'sqlite');
    const dana = await signedInDeveloper(app.db, baseUrl, 'Dana');
    const created = await createApplicationInConsole(dana, applicationForm(redirect, { environment: 'production' }));
    assert.match(created.page, /Waiting for approval/);
    const query = new URLSearchParams({ response_type: 'code', client_id: created.clientId, redirect_uri: redirect, scope: 'opendoor', state: 's' });
    const refusedAuth = await fetch(`${baseUrl}/oauth/v2/endpoints/authorization/?${query}`, { redirect: 'manual' });
    assert.equal(refusedAuth.status, 400);
    assert.equal(refusedAuth.headers.get('location'), null);
    const refusal = await refusedAuth.text();
    assert.match(refusal, /invalid_client/);
    assert.match(refusal, /waiting for ParqEx&#39;s approval/);

    const { approveClient } = await import('../../src/oauth/clients.ts');
    await approveClient(app.db, created.clientId);
    const allowed = await fetch(`${baseUrl}/oauth/v2/endpoints/authorization/?${query}`, { redirect: 'manual' });
    assert.equal(allowed.status, 303);
    assert.match(allowed.headers.get('location') ?? '', /\/login\//);
    assert.doesNotMatch((await dana.browser.request(created.path)).body, /Waiting for approval/);
  });
});
