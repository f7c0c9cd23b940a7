import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importClient } from '../../src/oauth/clients.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { basic, webhooksApi, type ApiAnswer } from '../helpers/webhooks-api.ts';

/** Every route, with an endpoint id and a delivery id to put in its path. */
const routes = (endpointId: string, deliveryId: string): [string, string, unknown?][] => [
  ['POST', '/endpoints', { url: 'http://127.0.0.1:9/hook' }],
  ['GET', '/endpoints'],
  ['POST', `/endpoints/${endpointId}/rotate-secret`],
  ['POST', `/endpoints/${endpointId}/disable`],
  ['POST', `/endpoints/${endpointId}/enable`],
  ['DELETE', `/endpoints/${endpointId}`],
  ['GET', `/endpoints/${endpointId}/deliveries`],
  ['POST', `/deliveries/${deliveryId}/redeliver`],
];

function assertChallenged(answer: ApiAnswer, message: RegExp, what: string): void {
  assert.equal(answer.status, 401, what);
  assert.equal(answer.headers.get('www-authenticate'), 'Basic realm="ParqEx webhooks", charset="UTF-8"', what);
  assert.deepEqual(Object.keys(answer.body), ['errors'], what);
  assert.match(answer.body.errors[0].message, message, what);
}

for (const engine of engines()) {
  describe(`webhooks API security [${engine}]`, () => {
    it('returns 401 with a Basic challenge on every route without credentials, with a wrong secret, a bearer token, an unknown client or a public client', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const clients = sandbox.client(baseUrl);
      const { access_token } = await sandboxTokens(baseUrl);
      const refusals: [string, string | undefined, RegExp][] = [
        ['no credentials', undefined, /Client credentials are required/],
        ['a wrong secret', basic(clients.web.client_id, `${clients.web.client_secret}x`), /client credentials are invalid/],
        ['another client\'s secret', basic(clients.web.client_id, clients.firstParty.client_secret), /client credentials are invalid/],
        ['a bearer token', `Bearer ${access_token}`, /Client credentials are required/],
        ['an unknown client', basic('999999999999999999.localhost', clients.web.client_secret), /client credentials are invalid/],
        ['a public client', basic(clients.native.client_id, ''), /Client credentials are required|client credentials are invalid/],
        ['a public client with a made-up secret', basic(clients.native.client_id, 'anything-at-all-0001'), /client credentials are invalid/],
        ['malformed Basic', 'Basic !!!', /Client credentials are required/],
      ];
      for (const [label, authorization, message] of refusals) {
        const api = webhooksApi(baseUrl, authorization);
        for (const [method, path, body] of routes('0'.repeat(32), 'A'.repeat(32))) {
          assertChallenged(await api(method, path, body), message, `${method} ${path} [${label}]`);
        }
      }
    });

    it('accepts form-url-encoded credentials (RFC 6749 2.3.1) [secret with reserved characters]', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const id = '555555555555555555.api.parqex.com';
      const secret = 'Legacy+secret:with%25/and&more';
      await importClient(app.db, { apiHost: 'localhost', production: false }, id, secret, { name: 'Legacy', redirectUris: ['https://legacy.example/cb'] });
      const answer = await webhooksApi(baseUrl, basic(id, secret))('GET', '/endpoints');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.data, []);
      const unencoded = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
      assert.equal((await webhooksApi(baseUrl, unencoded)('GET', '/endpoints')).status, 401, 'a "+" in an unencoded secret reads as a space');
    });

    it('returns 404 for another application\'s endpoint or delivery, and changes nothing', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const clients = sandbox.client(baseUrl);
      const receiver = await startReceiver(t);
      const owner = webhooksApi(baseUrl, basic(clients.web.client_id, clients.web.client_secret));
      const other = webhooksApi(baseUrl, basic(clients.firstParty.client_id, clients.firstParty.client_secret));
      const endpoint = (await owner('POST', '/endpoints', { url: receiver.url })).body.data;
      const before = (await owner('GET', '/endpoints')).body.data;

      for (const [method, path, body] of routes(endpoint.id, 'B'.repeat(32)).slice(2)) {
        const answer = await other(method, path, body);
        assert.equal(answer.status, 404, `${method} ${path}`);
        assert.match(answer.body.errors[0].message, /^No such webhook (endpoint|delivery)\.$/, `${method} ${path}`);
      }
      assert.deepEqual((await other('GET', '/endpoints')).body.data, [], 'the other application lists none of them');
      assert.deepEqual((await owner('GET', '/endpoints')).body.data, before, 'nothing changed');
    });

    it('returns 404 for redelivering another application\'s delivery', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, { PARQEX_WEBHOOKS: 'false' });
      const clients = sandbox.client(baseUrl);
      const owner = webhooksApi(baseUrl, basic(clients.web.client_id, clients.web.client_secret));
      const other = webhooksApi(baseUrl, basic(clients.firstParty.client_id, clients.firstParty.client_secret));
      const endpoint = (await owner('POST', '/endpoints', { url: 'http://127.0.0.1:9/hook' })).body.data;
      const now = Date.now();
      await app.db.transaction().execute(async (trx) => {
        await trx.insertInto('outbox_events').values({ id: 'E'.repeat(32), type: 'controller_online', category: 'access', door_id: null, device_id: null, person_ids: '[]', data: '{}', occurred_at: Math.floor(now / 1000), seq: now * 1000, fanned_out_at: now }).execute();
        await trx.insertInto('webhook_deliveries').values({ id: 'D'.repeat(32), event_id: 'E'.repeat(32), endpoint_id: endpoint.id, person_id: sandbox.people.alex.id, status: 'dead', attempts: 8, next_attempt_at: now, event_seq: now * 1000, created_at: now, delivered_at: null }).execute();
      });
      const refused = await other('POST', `/deliveries/${'D'.repeat(32)}/redeliver`);
      assert.equal(refused.status, 404);
      assert.deepEqual(refused.body, { errors: [{ message: 'No such webhook delivery.' }] });
      assert.equal((await app.db.selectFrom('webhook_deliveries').select('status').executeTakeFirstOrThrow()).status, 'dead');
      assert.equal((await owner('POST', `/deliveries/${'d'.repeat(32)}/redeliver`)).status, 202, 'its own application may');
    });
  });
}
