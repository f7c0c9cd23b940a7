import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { eventCatalogue } from '../../src/events/types.ts';
import { startServer } from '../helpers/build-app.ts';

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document generated from the routes, each with a tag, a summary and response schemas', async (t) => {
    const { baseUrl } = await startServer(t, 'sqlite');
    const document = await (await fetch(`${baseUrl}/openapi.json`)).json() as { openapi: string; paths: Record<string, Record<string, any>> };
    const result = await new Validator().validate(document as never);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
    assert.equal(document.openapi, '3.1.0');
    assert.ok(document.paths['/oauth/v1/endpoints/user-info']?.get, 'user-info is documented');
    assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/api/') || path.startsWith('/oauth/v1/endpoint/')), 'aliases are not documented twice');
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(operation.tags?.length, `${method} ${path} has a tag`);
        assert.ok(operation.summary, `${method} ${path} has a summary`);
        assert.ok(Object.keys(operation.responses ?? {}).some((status) => status.startsWith('2')), `${method} ${path} documents its success`);
      }
    }
    assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/oauth/v2/')), 'the OAuth endpoints are described in docs/oauth.md, not as API routes');
    // The vehicles and LPR routes (phase2.md B), the lists with their csv export.
    const lpr = ['get /vehicles', 'post /vehicles', 'patch /vehicles/{vehicle_id}', 'delete /vehicles/{vehicle_id}', 'get /lpr/vehicles', 'put /lpr/exclusions/{plate}', 'delete /lpr/exclusions/{plate}',
      'get /lpr/readers', 'put /lpr/readers/{device_id}/{entity}', 'get /lpr/reads'];
    // The Enforcer's routes (phase2.md C).
    const enforcer = ['get /enforcement/allowances', 'post /enforcement/allowances', 'patch /enforcement/allowances/{allowance_id}', 'delete /enforcement/allowances/{allowance_id}',
      'get /enforcement/watchlist', 'post /enforcement/watchlist', 'delete /enforcement/watchlist/{watch_id}', 'get /enforcement/plate-status', 'get /enforcement/plate-search',
      'get /enforcement/notices', 'post /enforcement/notices', 'get /enforcement/notices/{notice_id}', 'post /enforcement/notices/{notice_id}/status',
      'post /enforcement/notices/{notice_id}/remarks', 'post /enforcement/notices/{notice_id}/evidence', 'get /enforcement/notices/{notice_id}/evidence/{evidence_id}',
      'get /enforcement/alerts', 'get /enforcement/alerts/{alert_id}', 'post /enforcement/alerts/{alert_id}/accept', 'post /enforcement/alerts/{alert_id}/reject'];
    for (const route of [...lpr, ...enforcer]) {
      const [method, path] = route.split(' ') as [string, string];
      assert.ok(document.paths[`/oauth/v1/endpoints${path}`]?.[method], `${route} is documented`);
    }
    for (const path of ['/lpr/vehicles', '/lpr/reads', '/enforcement/allowances', '/enforcement/notices', '/enforcement/alerts']) {
      assert.deepEqual(Object.keys(document.paths[`/oauth/v1/endpoints${path}`]!.get.responses['200'].content).sort(), ['application/json', 'text/csv'], `${path} documents its csv export`);
    }
    // Every webhook event, with its body: the envelope around the type's own fields.
    const webhooks = (document as unknown as { webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { properties: object } } } } } }> }).webhooks;
    assert.deepEqual(Object.keys(webhooks).sort(), Object.keys(eventCatalogue).sort());
    const doorOpen = webhooks['door<N>_open']!.post.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(doorOpen.properties), ['id', 'eventType', 'toggleID', 'doorID', 'doorState', 'channel', 'deviceID', 'doorOwnerUserID', 'userThatToggled', 'eventOccurred', 'eventOccurredUTC', 'userID']);
    const docs = await fetch(`${baseUrl}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });
});
