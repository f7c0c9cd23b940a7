// What Fastify and Node answer by themselves (unknown paths and methods, a
// path that is not UTF-8, a path parameter over its limit, headers over
// 16 KB) comes in the shape of the surface the path belongs to: the API
// envelope, the RFC 6749 error, or an HTML page; never the URL repeated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, startServer } from './helpers/build-app.ts';

type Shape = 'api' | 'oauth' | 'page';

const long = 'a'.repeat(300);
const bigHeader = { 'x-padding': 'p'.repeat(20_000) };

const cases: { name: string; method?: string; path: string; headers?: Record<string, string>; status: number; shape: Shape }[] = [
  { name: 'unknown API path', path: '/oauth/v1/endpoints/nope', status: 404, shape: 'api' },
  { name: 'unknown webhooks API path, without credentials', path: '/oauth/v1/webhooks/nope', status: 401, shape: 'api' },
  { name: 'mistyped API prefix', path: '/oauth/v1/endpointz/sync', status: 404, shape: 'api' },
  { name: 'path parameter over its limit [API]', path: `/oauth/v1/webhooks/endpoints/${long}/deliveries`, status: 414, shape: 'api' },
  { name: 'path parameter over its limit [page]', path: `/invitations/${long}`, status: 414, shape: 'page' },
  { name: 'bad UTF-8 in the path [API]', path: '/oauth/v1/endpoints/%FF', status: 400, shape: 'api' },
  { name: 'bad UTF-8 in the path [OAuth]', path: '/oauth/v2/endpoints/%FF', status: 400, shape: 'oauth' },
  { name: 'bad UTF-8 in the path [page]', path: '/account/%FF', status: 400, shape: 'page' },
  { name: 'headers over 16 KB [API]', path: '/oauth/v1/endpoints/sync', headers: bigHeader, status: 431, shape: 'api' },
  { name: 'headers over 16 KB [OAuth]', path: '/oauth/v2/endpoints/token', headers: bigHeader, status: 431, shape: 'oauth' },
  { name: 'headers over 16 KB [page]', path: '/account', headers: bigHeader, status: 431, shape: 'page' },
  { name: 'a method no server knows [API]', method: 'FROB', path: '/oauth/v1/endpoints/sync', status: 501, shape: 'api' },
  { name: 'a method no server knows [OAuth]', method: 'FROB', path: '/oauth/v2/endpoints/token', status: 501, shape: 'oauth' },
  { name: 'a method no server knows [page]', method: 'FROB', path: '/login', status: 501, shape: 'page' },
  { name: 'a method no route has [OAuth]', method: 'PROPFIND', path: '/oauth/v2/endpoints/token', status: 404, shape: 'oauth' },
  { name: 'a method no route has [page]', method: 'PROPFIND', path: '/account', status: 404, shape: 'page' },
  { name: 'unknown OAuth path', path: '/oauth/v2/endpoints/nope', status: 404, shape: 'oauth' },
  { name: 'unknown page path', path: '/nope', status: 404, shape: 'page' },
  { name: 'unknown page path, nested', path: '/account/nope/deeper', status: 404, shape: 'page' },
];

function assertShape(shape: Shape, contentType: string, text: string): void {
  switch (shape) {
    case 'api':
      assert.match(contentType, /^application\/json/);
      assert.deepEqual(Object.keys(JSON.parse(text)), ['errors']);
      assert.equal(typeof JSON.parse(text).errors[0].message, 'string');
      return;
    case 'oauth':
      assert.match(contentType, /^application\/json/);
      assert.deepEqual(JSON.parse(text).error, 'invalid_request');
      assert.deepEqual(Object.keys(JSON.parse(text)), ['error', 'error_description']);
      return;
    case 'page':
      assert.match(contentType, /^text\/html/);
      assert.match(text, /^<!doctype html>/);
      assert.match(text, /<link rel="icon" href="\/favicon.svg"/);
      return;
  }
}

for (const engine of engines()) {
  describe(`answers Fastify and Node would give themselves [${engine}]`, () => {
    it('each in the shape of its surface, never repeating the URL', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      for (const example of cases) {
        const response = await fetch(`${baseUrl}${example.path}`, { method: example.method ?? 'GET', headers: example.headers });
        const text = await response.text();
        assert.equal(response.status, example.status, `${example.name}: ${text.slice(0, 200)}`);
        assertShape(example.shape, response.headers.get('content-type') ?? '', text);
        for (const echoed of [long, '%FF', 'nope', 'endpointz']) assert.ok(!text.includes(echoed), `${example.name} repeats the URL`);
      }
    });

    it('serves a favicon: an SVG, and /favicon.ico pointing to it', async (t) => {
      const { baseUrl } = await startServer(t, engine);
      const svg = await fetch(`${baseUrl}/favicon.svg`);
      assert.equal(svg.status, 200);
      assert.match(svg.headers.get('content-type') ?? '', /^image\/svg\+xml/);
      assert.match(await svg.text(), /^<svg /);
      const ico = await fetch(`${baseUrl}/favicon.ico`, { redirect: 'manual' });
      assert.equal(ico.status, 301);
      assert.equal(ico.headers.get('location'), '/favicon.svg');
      const login = await (await fetch(`${baseUrl}/login`)).text();
      assert.match(login, /<link rel="icon" href="\/favicon.svg" type="image\/svg\+xml">/);
    });
  });
}
