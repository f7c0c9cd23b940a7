// Client secrets sent at once: each attempt holds a place under the limit
// before the secret is compared, so no more wrong ones than the limit are ever
// compared, whatever the endpoint the client authenticates at; only wrong ones
// count, so right ones never lock the client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from '../helpers/build-app.ts';
import { basic, postToken, sandbox, sandboxTokens } from '../helpers/oauth.ts';
import { webhooksApi } from '../helpers/webhooks-api.ts';

const limit = 5;

async function introspect(baseUrl: string, authorization: string, token: string) {
  const response = await fetch(`${baseUrl}/oauth/v2/endpoints/introspect`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, any> };
}

for (const engine of engines()) {
  describe(`client secret guesses [${engine}]`, () => {
    it('compares at most the limit of forty wrong secrets sent at once to the token endpoint; the rest are 429 invalid_client with Retry-After', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_CLIENT_AUTH_MAX_FAILURES: String(limit) });
      const client = sandbox.client(baseUrl).web;
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(client.client_id, `guess-${i}`) })));
      const compared = answers.filter((answer) => answer.status === 401);
      const refused = answers.filter((answer) => answer.status === 429);
      assert.equal(compared.length, limit, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      assert.equal(refused.length, 40 - limit);
      for (const answer of refused) {
        assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'error_description']);
        assert.equal(answer.body.error, 'invalid_client');
        assert.match(answer.body.error_description, /Too many failed client authentications/);
        assert.ok(Number(answer.headers.get('retry-after')) > 0);
        assert.equal(answer.headers.get('cache-control'), 'no-store');
      }
      // The right secret is refused too while the lock lasts: telling it apart would need the comparison.
      const right = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(client.client_id, client.client_secret) });
      assert.equal(right.status, 429);
      // Another client is not locked out by guesses at this one.
      const other = sandbox.client(baseUrl).firstParty;
      const unaffected = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(other.client_id, other.client_secret) });
      assert.equal(unaffected.body.error, 'invalid_grant');
    });

    it('does not count requests that authenticate, even many at once', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_CLIENT_AUTH_MAX_FAILURES: String(limit) });
      const client = sandbox.client(baseUrl).web;
      for (let round = 0; round < 3; round += 1) {
        const answers = await Promise.all(Array.from({ length: limit - 1 }, () => postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(client.client_id, client.client_secret) })));
        assert.deepEqual(answers.map((answer) => answer.body.error), Array(limit - 1).fill('invalid_grant'));
      }
    });

    it('never locks a client out for forty right secrets at once at the default limit; wrong ones still lock it after the limit', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const client = sandbox.client(baseUrl).web;
      const right = () => postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(client.client_id, client.client_secret) });
      for (let round = 0; round < 2; round += 1) {
        const answers = await Promise.all(Array.from({ length: 40 }, right));
        assert.deepEqual(answers.map((answer) => answer.status), Array(40).fill(400), `round ${round}`);
        assert.ok(answers.every((answer) => answer.body.error === 'invalid_grant'));
      }
      const defaultLimit = 20;
      const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(client.client_id, `guess-${i}`) })));
      assert.equal(guesses.filter((answer) => answer.status === 401).length, defaultLimit, `statuses: ${guesses.map((answer) => answer.status).join(',')}`);
      assert.equal(guesses.filter((answer) => answer.status === 429).length, 40 - defaultLimit);
      assert.equal((await right()).status, 429);
    });

    it('counts right secrets sent with wrong ones only for the wrong ones', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_CLIENT_AUTH_MAX_FAILURES: String(limit) });
      const client = sandbox.client(baseUrl).web;
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, {
        authorization: basic(client.client_id, i % 10 < limit - 2 ? `guess-${i}` : client.client_secret),
      })));
      // Three guesses in each ten: nine wrong in all, more than the limit, so the lock comes, after exactly the limit compared.
      assert.equal(answers.filter((answer) => answer.status === 401).length, limit, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      assert.ok(answers.every((answer) => answer.status === 401 || answer.status === 429 || answer.body.error === 'invalid_grant'));
    });

    it('counts guesses at the introspection endpoint against the same client', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_CLIENT_AUTH_MAX_FAILURES: String(limit) });
      const client = sandbox.client(baseUrl).web;
      const { access_token } = await sandboxTokens(baseUrl);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => introspect(baseUrl, basic(client.client_id, `guess-${i}`), access_token)));
      assert.equal(answers.filter((answer) => answer.status === 401).length, limit, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      assert.equal(answers.filter((answer) => answer.status === 429 && answer.body.error === 'invalid_client').length, 20 - limit);
      const token = await postToken(baseUrl, { grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(client.client_id, client.client_secret) });
      assert.equal(token.status, 429);
    });

    it('counts guesses at the webhooks API against the same client: 429 in the API envelope with Retry-After', async (t) => {
      const { baseUrl } = await startServer(t, engine, { PARQEX_CLIENT_AUTH_MAX_FAILURES: String(limit) });
      const client = sandbox.client(baseUrl).web;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => webhooksApi(baseUrl, basic(client.client_id, `guess-${i}`))('GET', '/endpoints')));
      assert.equal(answers.filter((answer) => answer.status === 401).length, limit, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      const refused = answers.filter((answer) => answer.status === 429);
      assert.equal(refused.length, 20 - limit);
      assert.match(refused[0]!.body.errors[0].message, /Too many failed client authentications/);
      assert.ok(Number(refused[0]!.headers.get('retry-after')) > 0);
    });
  });
}
