import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox } from '../helpers/oauth.ts';
import { basic, webhooksApi } from '../helpers/webhooks-api.ts';

for (const engine of engines()) {
  describe(`webhooks API errors [${engine}]`, () => {
    it('returns 400 naming the problem for a bad url, an unknown event type, an unknown or missing field, and bad JSON', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const client = sandbox.client(baseUrl).web;
      const api = webhooksApi(baseUrl, basic(client.client_id, client.client_secret));
      const cases: [string, unknown, string][] = [
        ['not a URL', { url: 'hooks.example.com/parqex' }, 'url: not a valid URL'],
        ['another scheme', { url: 'ftp://hooks.example.com/parqex' }, 'url: scheme ftp: is not allowed; use https'],
        ['plain http off loopback', { url: 'http://10.0.0.1/hook' }, 'url: plain http is allowed only to loopback in development; use https'],
        ['credentials in the URL', { url: 'https://user:pass@127.0.0.1/hook' }, 'url: URLs with credentials are not allowed'],
        ['an unknown event type', { url: 'http://127.0.0.1:9/hook', event_types: ['door_opened'] }, 'event_types: unknown event type or category "door_opened"'],
        ['an empty event type list', { url: 'http://127.0.0.1:9/hook', event_types: [] }, 'event_types: list at least one event type, category, or "*"'],
        ['an unknown field', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, 'Invalid events: must NOT have additional properties.'],
        ['no url', { event_types: ['*'] }, 'Invalid url: must have required property \'url\'.'],
        ['a url that is no string', { url: 42 }, 'Invalid url: must be string.'],
        ['event_types that is no list', { url: 'http://127.0.0.1:9/hook', event_types: 'access' }, 'Invalid event_types: must be array.'],
        ['bad JSON', '{"url":', 'The request body is not valid JSON.'],
      ];
      for (const [label, body, message] of cases) {
        const answer = await api('POST', '/endpoints', body);
        assert.equal(answer.status, 400, label);
        assert.deepEqual(answer.body, { errors: [{ message }] }, label);
      }
      assert.deepEqual((await api('GET', '/endpoints')).body.data, [], 'nothing was registered');
    });

    it('returns 400 for a deliveries limit out of range or not a number', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const client = sandbox.client(baseUrl).web;
      const api = webhooksApi(baseUrl, basic(client.client_id, client.client_secret));
      const endpoint = (await api('POST', '/endpoints', { url: 'http://127.0.0.1:9/hook' })).body.data;
      for (const [limit, message] of [['0', 'limit must be a whole number from 1 to 100'], ['101', 'limit must be a whole number from 1 to 100'], ['ten', 'Invalid limit: must match pattern "^[0-9]{1,3}$".']]) {
        const answer = await api('GET', `/endpoints/${endpoint.id}/deliveries?limit=${limit}`);
        assert.equal(answer.status, 400, limit);
        assert.deepEqual(answer.body, { errors: [{ message }] }, limit);
      }
      const unknown = await api('GET', `/endpoints/${endpoint.id}/deliveries?page=2`);
      assert.deepEqual(unknown.body, { errors: [{ message: 'Invalid page: must NOT have additional properties.' }] });
    });

    it('returns 400 for redelivering to a disabled endpoint, and 404 in the envelope for an unknown route', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const client = sandbox.client(baseUrl).web;
      const api = webhooksApi(baseUrl, basic(client.client_id, client.client_secret));
      const endpoint = (await api('POST', '/endpoints', { url: 'http://127.0.0.1:9/hook' })).body.data;
      const now = Date.now();
      await app.db.transaction().execute(async (trx) => {
        await trx.insertInto('outbox_events').values({ id: 'E'.repeat(32), type: 'controller_online', category: 'access', door_id: null, device_id: null, person_ids: '[]', data: '{}', occurred_at: Math.floor(now / 1000), seq: now * 1000, fanned_out_at: now }).execute();
        await trx.insertInto('webhook_deliveries').values({ id: 'D'.repeat(32), event_id: 'E'.repeat(32), endpoint_id: endpoint.id, person_id: sandbox.people.alex.id, status: 'dead', attempts: 8, next_attempt_at: now, event_seq: now * 1000, created_at: now, delivered_at: null }).execute();
      });
      await api('POST', `/endpoints/${endpoint.id}/disable`);
      const refused = await api('POST', `/deliveries/${'D'.repeat(32)}/redeliver`);
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, { errors: [{ message: `The endpoint ${endpoint.id} is disabled: enable it before redelivering.` }] });

      const unknown = await api('GET', '/nothing-here');
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { errors: [{ message: 'Not found.' }] });
    });
  });
}
