// Bad input on every endpoint gets 400 in the documented envelope, naming what was wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxDoors } from '../../src/sandbox/seed.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { sandboxTokens } from '../helpers/oauth.ts';

interface Case { name: string; method: string; path: string; body?: string; contentType?: string; status: number; message: RegExp }

const cases: Case[] = [
  { name: 'history_type unknown', method: 'GET', path: 'toggle-history?history_type=car', status: 400, message: /history_type/ },
  { name: 'door_id malformed', method: 'GET', path: 'toggle-history?door_id=not-an-id', status: 400, message: /door_id/ },
  { name: 'door_id missing for door history', method: 'GET', path: 'toggle-history?history_type=door', status: 400, message: /door_id is required/ },
  { name: 'device_id malformed', method: 'GET', path: 'toggle-history?device_id=12345', status: 400, message: /device_id/ },
  { name: 'device_id missing for device history', method: 'GET', path: 'toggle-history?history_type=device', status: 400, message: /device_id is required/ },
  { name: 'start_date not a date', method: 'GET', path: 'toggle-history?start_date=yesterday', status: 400, message: /start_date/ },
  { name: 'end_date impossible', method: 'GET', path: 'toggle-history?end_date=2026-02-30', status: 400, message: /end_date/ },
  { name: 'start_date before 2000', method: 'GET', path: 'toggle-history?start_date=0000-01-01', status: 400, message: /^start_date must be a date from 2000-01-01 to 2099-12-31\.$/ },
  { name: 'end_date after 2099', method: 'GET', path: 'toggle-history?end_date=9999-12-31', status: 400, message: /^end_date must be a date from 2000-01-01 to 2099-12-31\.$/ },
  { name: 'cursor with a time out of range', method: 'GET', path: `toggle-history?cursor=${Buffer.from(JSON.stringify([1e300, 'x'])).toString('base64url')}`, status: 400, message: /cursor/ },
  { name: 'start after end', method: 'GET', path: 'toggle-history?start_date=2026-05-02&end_date=2026-05-01', status: 400, message: /start_date must not be after end_date/ },
  { name: 'limit zero', method: 'GET', path: 'toggle-history?limit=0', status: 400, message: /limit/ },
  { name: 'limit too big', method: 'GET', path: 'toggle-history?limit=5000', status: 400, message: /limit/ },
  { name: 'limit not a number', method: 'GET', path: 'toggle-history?limit=ten', status: 400, message: /limit/ },
  { name: 'cursor forged', method: 'GET', path: 'toggle-history?cursor=abc', status: 400, message: /cursor/ },
  { name: 'door_id far too long', method: 'GET', path: `toggle-history?door_id=${'a'.repeat(500)}`, status: 400, message: /door_id/ },
  { name: 'malformed JSON on POST sync', method: 'POST', path: 'sync', body: '{"a":', contentType: 'application/json', status: 400, message: /not valid JSON/ },
  { name: 'huge body on POST user-info', method: 'POST', path: 'user-info', body: JSON.stringify({ pad: 'x'.repeat(200_000) }), contentType: 'application/json', status: 413, message: /too large/ },
  { name: 'unsupported content type', method: 'POST', path: 'sync', body: '<xml/>', contentType: 'application/xml', status: 415, message: /./ },
];

for (const engine of engines()) {
  describe(`bad input on every endpoint [${engine}]`, () => {
    it('answers each malformed request in the error envelope, never with a 500', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const { access_token } = await sandboxTokens(baseUrl);
      for (const c of cases) {
        const response = await fetch(`${baseUrl}/oauth/v1/endpoints/${c.path}`, {
          method: c.method,
          headers: { authorization: `Bearer ${access_token}`, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
          body: c.body,
        });
        assert.equal(response.status, c.status, `${c.name}: ${response.status}`);
        const body = await response.json() as { errors: { message: string }[] };
        assert.deepEqual(Object.keys(body), ['errors'], c.name);
        assert.match(body.errors[0]!.message, c.message, c.name);
      }
      // And a good request still works afterwards.
      const fine = await fetch(`${baseUrl}/oauth/v1/endpoints/toggle-history?door_id=${sandboxDoors.garage.id}`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(fine.status, 200);
    });
  });
}
