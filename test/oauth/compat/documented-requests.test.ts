// Each quirk of spec 3 as a pure function, fed the documented request byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from 'oidc-provider';
import { canonicalClientAuth } from '../../../src/oauth/compat/client-credentials.ts';
import { normalizeAuthorizationQuery, normalizeClientRequest } from '../../../src/oauth/compat/index.ts';
import { withImplicitScope, withoutImplicitScope } from '../../../src/oauth/compat/read-only-grant.ts';
import { resolveRepeatedParameters } from '../../../src/oauth/compat/repeated-grant-type.ts';
import { setAsideResponseModeInBody, setAsideResponseModeInQuery } from '../../../src/oauth/compat/response-mode.ts';
import { normalizeScope } from '../../../src/oauth/compat/scope-syntax.ts';
import { collectParameters } from '../../../src/oauth/compat/token-via-get.ts';

const documentedTokenQuery = 'client_id=555555555555555555.api.parqex.com&client_secret=s3cr3t-Value_x&grant_type=authorization_code&code=CODE123&redirect_uri=https%3A%2F%2Fapp.example%2Fcb';
const documentedRefreshQuery = 'client_id=555555555555555555.api.parqex.com&client_secret=s3cr3t-Value_x&grant_type= authorization_code&refresh_token=RT123&grant_type=refresh_token';

describe('scope syntax', () => {
  it('reads comma-separated, case-insensitive scopes and drops empty items [scope=OPENDOOR,closedoor]', () => {
    assert.equal(normalizeScope('OPENDOOR,closedoor'), 'opendoor closedoor');
    assert.equal(normalizeScope(',opendoor,,CloseDoor , profile,'), 'opendoor closedoor profile');
    assert.equal(normalizeScope('opendoor closedoor opendoor'), 'opendoor closedoor');
    assert.equal(normalizeScope(''), '');
  });

  it('rewrites only the scope of an authorization query and leaves state byte for byte', () => {
    const query = 'response_type=code&client_id=1&state=a%2Bb+c%20d~%C3%A9&scope=OPENDOOR,closedoor&user_locale=en_US';
    assert.equal(normalizeAuthorizationQuery(query), 'response_type=code&client_id=1&state=a%2Bb+c%20d~%C3%A9&scope=opendoor%20closedoor%20read&user_locale=en_US');
  });

  it('adds the implicit read scope when none is sent, and never shows it back', () => {
    assert.equal(normalizeAuthorizationQuery('response_type=code&state=x'), 'response_type=code&state=x&scope=read');
    assert.equal(withImplicitScope('opendoor read'), 'opendoor read');
    assert.equal(withoutImplicitScope('opendoor read'), 'opendoor');
    assert.equal(withoutImplicitScope('read'), undefined);
  });
});

describe('token request via GET', () => {
  it('takes every parameter of the documented GET from the query, trimmed', () => {
    const params = resolveRepeatedParameters(collectParameters(documentedTokenQuery, undefined));
    assert.deepEqual(params, {
      client_id: '555555555555555555.api.parqex.com', client_secret: 's3cr3t-Value_x', grant_type: 'authorization_code', code: 'CODE123', redirect_uri: 'https://app.example/cb',
    });
  });

  it('merges the query and a form body, and refuses the same parameter with different values', () => {
    const merged = resolveRepeatedParameters(collectParameters('code=C', { grant_type: 'authorization_code', code: 'C' }));
    assert.deepEqual(merged, { code: 'C', grant_type: 'authorization_code' });
    assert.throws(() => resolveRepeatedParameters(collectParameters('code=C', { code: 'D' })), errors.InvalidRequest);
  });
});

describe('repeated grant_type', () => {
  it('resolves the documented refresh request to refresh_token', () => {
    const params = resolveRepeatedParameters(collectParameters(documentedRefreshQuery, undefined));
    assert.equal(params.grant_type, 'refresh_token');
    assert.equal(params.refresh_token, 'RT123');
  });

  it('resolves to authorization_code when a code is present, and refuses anything else', () => {
    assert.equal(resolveRepeatedParameters(collectParameters('grant_type=refresh_token&grant_type=authorization_code&code=C', undefined)).grant_type, 'authorization_code');
    assert.throws(() => resolveRepeatedParameters(collectParameters('grant_type=refresh_token&grant_type=authorization_code', undefined)), errors.InvalidRequest);
    assert.throws(() => resolveRepeatedParameters(collectParameters('grant_type=password&grant_type=refresh_token&code=C', undefined)), errors.InvalidRequest);
  });
});

describe('client credentials', () => {
  const id = '555555555555555555.api.parqex.com';
  const header = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('turns client_secret_post and the query form into one form-encoded Basic header', () => {
    const { authorization, params } = normalizeClientRequest({ rawQuery: documentedTokenQuery, body: undefined, authorization: undefined });
    assert.equal(authorization, header(encodeURIComponent(id), 's3cr3t-Value_x'));
    assert.equal(params.client_secret, undefined);
    assert.equal(params.client_id, id);
  });

  it('form-decodes Basic credentials, and keeps values a client forgot to encode', () => {
    assert.equal(canonicalClientAuth({ authorization: header('a%2Bb', 'p%3Aq'), params: {} }).authorization, header('a%2Bb', 'p%3Aq'));
    assert.equal(canonicalClientAuth({ authorization: header(id, '100%'), params: {} }).authorization, header(encodeURIComponent(id), '100%25'));
  });

  it('accepts the same credentials twice and refuses two that differ', () => {
    assert.doesNotThrow(() => canonicalClientAuth({ authorization: header(id, 'abc'), params: { client_id: id, client_secret: 'abc' } }));
    assert.throws(() => canonicalClientAuth({ authorization: header(id, 'abc'), params: { client_secret: 'xyz' } }), errors.InvalidRequest);
    assert.throws(() => canonicalClientAuth({ authorization: header(id, 'abc'), params: { client_id: 'other' } }), errors.InvalidRequest);
  });

  it('leaves a public client with its client_id in the body and no header', () => {
    assert.deepEqual(canonicalClientAuth({ authorization: undefined, params: { client_id: id, code: 'C' } }), { authorization: undefined, params: { client_id: id, code: 'C' } });
  });
});

describe('response mode', () => {
  it('sets aside every response_mode but query, leaving the other bytes alone [form_post, fragment, encoded, repeated]', () => {
    assert.equal(setAsideResponseModeInQuery('state=a%2Bb&response_mode=form_post'), 'state=a%2Bb&unsupported_response_mode=form_post');
    assert.equal(setAsideResponseModeInQuery('response_mode=fragment&state=x'), 'unsupported_response_mode=fragment&state=x');
    assert.equal(setAsideResponseModeInQuery('response%5Fmode=form%5Fpost'), 'unsupported_response_mode=form%5Fpost');
    assert.equal(setAsideResponseModeInQuery('response_mode=query&response_mode=fragment'), 'response_mode=query&unsupported_response_mode=fragment');
    assert.equal(setAsideResponseModeInQuery('response_mode=query&state=x'), 'response_mode=query&state=x');
    assert.deepEqual(setAsideResponseModeInBody({ response_mode: 'form_post', state: 'x' }), { state: 'x', unsupported_response_mode: 'form_post' });
    assert.deepEqual(setAsideResponseModeInBody({ response_mode: 'query' }), { response_mode: 'query' });
  });
});
