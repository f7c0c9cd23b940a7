// The developer console's rules without HTTP, on each engine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createApplication, deleteApplication, listApplications, ownApplication, redirectUriLines, rotateApplicationSecret, updateApplication } from '../../src/access/developer-apps.ts';
import { applicationEndpoints, endpointLog, redeliverToEndpoint, registerEndpoint, sendTest } from '../../src/access/developer-webhooks.ts';
import { fireSandboxToggle } from '../../src/access/sandbox-toggle.ts';
import { listAuthorizations, recordAuthorization } from '../../src/access/authorizations.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { DomainError } from '../../src/access/errors.ts';
import { approveClient, describeClient } from '../../src/oauth/clients.ts';
import { createBox } from '../../src/security/encryption.ts';
import { findClientWithSecretHash } from '../../src/store/repositories/clients.ts';
import { secretMatches } from '../../src/security/secrets.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';
import { createDeveloperPerson } from '../helpers/developers.ts';
import type { ToggleDeps } from '../../src/access/toggle-door.ts';

const rules = { apiHost: 'api.example.test', production: false };
const form = (extra: Record<string, string> = {}) => ({
  name: 'Acme', company: 'Acme Inc.', contact_name: 'Dana', contact_email: 'dana@acme.example', website: 'https://acme.example',
  description: 'Opens doors.', redirect_uris: 'https://acme.example/cb\r\n\r\n  http://127.0.0.1:8080/cb  ', environment: 'development', ...extra,
});
const refusal = (code: string, message?: RegExp) => (error: unknown) => error instanceof DomainError && error.code === code && (!message || message.test(error.message));

describe('redirectUriLines', () => {
  it('reads one URI per line, trimmed, without blank lines', () => {
    assert.deepEqual(redirectUriLines(' a \r\n\nb\n'), ['a', 'b']);
    assert.deepEqual(redirectUriLines(undefined), []);
  });
});

for (const engine of engines()) {
  describe(`developer applications [${engine}]`, () => {
    it('creates development and certification applications active, production ones pending until approved', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const dana = await createDeveloperPerson(db, 'Dana');
      const dev = await createApplication(db, rules, dana.id, form());
      const cert = await createApplication(db, rules, dana.id, form({ environment: 'certification' }));
      const prod = await createApplication(db, rules, dana.id, form({ environment: 'production' }));
      const apps = await listApplications(db, dana.id);
      const seen = new Map(apps.map((app) => [app.client_id, [app.environment, app.approval]]));
      assert.deepEqual(seen, new Map([[dev.client_id, ['development', 'approved']], [cert.client_id, ['certification', 'approved']], [prod.client_id, ['production', 'pending']]]));
      const first = await ownApplication(db, dana.id, dev.client_id);
      assert.deepEqual(first.redirectUris, ['https://acme.example/cb', 'http://127.0.0.1:8080/cb']);
      assert.equal(first.company, 'Acme Inc.');
      const stored = await findClientWithSecretHash(db, dev.client_id);
      assert.ok(stored?.secret_hash && stored.secret_hash !== dev.client_secret && secretMatches(dev.client_secret!, stored.secret_hash));
      await approveClient(db, prod.client_id);
      assert.equal((await ownApplication(db, dana.id, prod.client_id)).pending, false);
      await assert.rejects(approveClient(db, prod.client_id), refusal('invalid', /approved already/));
      await assert.rejects(approveClient(db, 'nobody.example'), refusal('not_found'));
    });

    it('refuses what client registration refuses, and a missing name, contact email or environment', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const dana = await createDeveloperPerson(db, 'Dana');
      await assert.rejects(createApplication(db, rules, dana.id, form({ redirect_uris: 'https://a.example/cb#frag' })), refusal('invalid', /fragment/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ redirect_uris: '' })), refusal('invalid', /at least one redirect URI/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ redirect_uris: 'com.acme.app:/oauth' })), refusal('invalid', /custom schemes/));
      await assert.rejects(createApplication(db, { ...rules, production: true }, dana.id, form({ redirect_uris: 'http://acme.example/cb' })), refusal('invalid', /https/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ name: '  ' })), refusal('invalid', /name/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ contact_email: '' })), refusal('invalid', /contact email/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ contact_email: 'nope' })), refusal('invalid', /contact email/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ website: 'ftp://x' })), refusal('invalid', /website/));
      await assert.rejects(createApplication(db, rules, dana.id, form({ environment: 'staging' })), refusal('invalid', /environment/));
      assert.deepEqual(await listApplications(db, dana.id), []);
    });

    it('keeps one developer off another\'s applications and off the operator\'s: not found', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const dana = await createDeveloperPerson(db, 'Dana');
      const eve = await createDeveloperPerson(db, 'Eve');
      const app = await createApplication(db, rules, dana.id, form());
      assert.deepEqual(await listApplications(db, eve.id), []);
      for (const attempt of [
        () => ownApplication(db, eve.id, app.client_id),
        () => updateApplication(db, rules, eve.id, app.client_id, form({ name: 'Mine now' })),
        () => rotateApplicationSecret(db, eve.id, app.client_id),
        () => deleteApplication(db, eve.id, app.client_id),
        () => applicationEndpoints({ db, box: createBox(randomBytes(32)), production: false }, eve.id, app.client_id),
        () => ownApplication(db, dana.id, '100000000000000001.localhost'),
      ]) await assert.rejects(attempt(), refusal('not_found'));
      assert.equal((await describeClient(db, app.client_id))?.name, 'Acme');
    });

    it('updates details, rotates the secret (the old one no longer matches) and deletes', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const dana = await createDeveloperPerson(db, 'Dana');
      const app = await createApplication(db, rules, dana.id, form());
      await updateApplication(db, rules, dana.id, app.client_id, form({ name: 'Acme 2', redirect_uris: 'https://b.example/cb', environment: 'production' }));
      const updated = await ownApplication(db, dana.id, app.client_id);
      assert.equal(updated.name, 'Acme 2');
      assert.equal(updated.environment, 'development', 'an edit never changes the environment');
      assert.deepEqual(updated.redirectUris, ['https://b.example/cb']);
      const rotated = await rotateApplicationSecret(db, dana.id, app.client_id);
      const hash = (await findClientWithSecretHash(db, app.client_id))!.secret_hash!;
      assert.ok(secretMatches(rotated.client_secret!, hash) && !secretMatches(app.client_secret!, hash));
      await recordAuthorization(db, { grantId: 'g-alex', personId: sandboxPeople.alex.id, clientId: app.client_id, scopes: ['opendoor'], doors: { all: true, doorIds: [] } });
      await deleteApplication(db, dana.id, app.client_id);
      assert.equal(await describeClient(db, app.client_id), undefined);
      assert.deepEqual(await listAuthorizations(db, sandboxPeople.alex.id), [], 'the people who authorized it no longer list it');
    });

    it('sends a test event to one endpoint only, and redelivers only deliveries of the endpoint named', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const deps = { db, box: createBox(randomBytes(32)), production: false };
      const dana = await createDeveloperPerson(db, 'Dana');
      const app = await createApplication(db, rules, dana.id, form());
      const one = await registerEndpoint(deps, dana.id, app.client_id, { url: 'http://127.0.0.1:9/one', eventTypes: ['*'] });
      const two = await registerEndpoint(deps, dana.id, app.client_id, { url: 'http://127.0.0.1:9/two', eventTypes: ['*'] });
      await assert.rejects(registerEndpoint(deps, dana.id, app.client_id, { url: 'http://127.0.0.1:9/x', eventTypes: [] }), refusal('invalid', /event type/));
      const { deliveryId } = await sendTest(deps, dana.id, app.client_id, one.id);
      const log = await endpointLog(deps, dana.id, app.client_id, one.id);
      assert.deepEqual(log.map((delivery) => [delivery.id, delivery.event_type, delivery.status]), [[deliveryId, 'webhook_test', 'pending']]);
      assert.deepEqual(await endpointLog(deps, dana.id, app.client_id, two.id), []);
      const event = await db.selectFrom('outbox_events').select(['type', 'fanned_out_at']).where('type', '=', 'webhook_test').executeTakeFirstOrThrow();
      assert.notEqual(event.fanned_out_at, null, 'the fan-out never sends a test to anyone else');
      await assert.rejects(redeliverToEndpoint(deps, dana.id, app.client_id, two.id, deliveryId), refusal('not_found'));
      assert.equal((await redeliverToEndpoint(deps, dana.id, app.client_id, one.id, deliveryId)).status, 'pending');
    });

    it('refuses the sandbox button outside sandbox mode', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const dana = await createDeveloperPerson(db, 'Dana');
      const app = await createApplication(db, rules, dana.id, form());
      await assert.rejects(fireSandboxToggle({ db, toggle: {} as ToggleDeps, sandbox: false }, dana.id, app.client_id), refusal('not_found'));
      assert.equal((await db.selectFrom('authorizations').select('grant_id').where('client_id', '=', app.client_id).execute()).length, 0);
    });
  });
}
