import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';

for (const engine of engines()) {
  describe(`GET /oauth/v1/endpoints/user-info [${engine}]`, () => {
    it('answers under every documented alias, with and without a trailing slash', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl, { email: sandbox.people.sam.email });
      for (const prefix of ['/oauth/v1/endpoints', '/api/oauth/v1/endpoints', '/oauth/v1/endpoint', '/api/oauth/v1/endpoint']) {
        for (const suffix of ['', '/']) {
          const response = await fetch(`${baseUrl}${prefix}/user-info${suffix}`, { headers: { authorization: `Bearer ${access_token}`, accept: 'application/json', 'content-type': 'application/json' } });
          assert.equal(response.status, 200, `${prefix}/user-info${suffix}`);
          const body = await response.json() as Record<string, any>;
          assert.deepEqual(body.data, { id: sandbox.people.sam.id, first_name: 'Sam', last_name: 'User' });
        }
      }
    });

    it('adds email and phone only with the profile scope', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl, { scope: 'profile' });
      const { body } = await userInfo(baseUrl, access_token);
      assert.deepEqual(body.data, {
        id: sandbox.people.alex.id, first_name: 'Alex', last_name: 'Admin', email_address: sandbox.people.alex.email, phone: null,
        vehicles: [{ id: '5a0d00000000400080000000000000f1', plate: 'PQX1001', region: 'us-ny', make: 'Tesla', model: 'Model 3', color: 'white' }],
      });
    });

    it('answers 401 with a bare Bearer challenge without a token, and invalid_token for a made-up one', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const none = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      assert.deepEqual(Object.keys(await none.json() as object), ['errors']);
      const madeUp = await userInfo(baseUrl, 'made-up-token');
      assert.equal(madeUp.status, 401);
      assert.match(madeUp.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      const basicScheme = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
      assert.equal(basicScheme.status, 401);
    });

    it('answers unknown routes with 404 and a wrong method with 405, both in the error envelope', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const unknown = await fetch(`${baseUrl}/oauth/v1/endpoints/nothing-here`);
      assert.equal(unknown.status, 404);
      assert.ok(Array.isArray((await unknown.json() as any).errors));
      const wrongMethod = await fetch(`${baseUrl}/oauth/v1/endpoints/user-info`, { method: 'DELETE' });
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'GET, POST');
      assert.ok(Array.isArray((await wrongMethod.json() as any).errors));
    });

    it('compresses with gzip when asked', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      const { request } = await import('node:http');
      const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const req = request(`${baseUrl}/oauth/v1/endpoints/user-info`, { headers: { authorization: `Bearer ${access_token}`, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(raw.encoding, 'gzip');
      assert.equal(JSON.parse(gunzipSync(raw.body).toString()).data.first_name, 'Alex');
    });
  });
}
