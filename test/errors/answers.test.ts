// The one error mapping, without HTTP: every domain code has an answer on
// every surface, and the sentences are the ones docs/errors.md promises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorCodes } from '../../src/access/errors.ts';
import { answerIn, codeAnswers, requestRefusal, statusOn, toggleMessage, unavailableMessage, unexpectedMessage, validationMessage } from '../../src/errors/answers.ts';
import type { Surface } from '../../src/surface.ts';

const surfaces: Surface[] = ['api', 'toggle', 'oauth', 'page'];
const context = { sandbox: false, timestamp: 1795919872 };
const rfc6749Codes = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable'];

describe('codeAnswers', () => {
  it('answers every domain code on every surface, in that surface\'s shape', () => {
    assert.deepEqual(Object.keys(codeAnswers).sort(), [...errorCodes].sort());
    for (const code of errorCodes) {
      assert.ok(rfc6749Codes.includes(codeAnswers[code].oauth), `${code}: ${codeAnswers[code].oauth} is not an RFC 6749 code`);
      for (const surface of surfaces) {
        const status = statusOn(surface, code);
        assert.ok(status >= 400 && status < 600, `${code} on ${surface}: ${status}`);
        const answer = answerIn(surface, { status, message: 'A sentence.', oauthError: codeAnswers[code].oauth }, context);
        assert.equal(answer.status, status);
        if (surface === 'page') {
          assert.match(answer.contentType, /^text\/html; charset=utf-8$/);
          assert.match(answer.body, /^<!doctype html>/);
        } else {
          assert.equal(answer.contentType, 'application/json; charset=utf-8');
          const body = JSON.parse(answer.body);
          if (surface === 'api') assert.deepEqual(body, { errors: [{ message: 'A sentence.' }] });
          if (surface === 'toggle') assert.deepEqual(Object.keys(body), ['success', 'timestamp', 'message']);
          if (surface === 'oauth') assert.deepEqual(body, { error: codeAnswers[code].oauth, error_description: 'A sentence.' });
        }
      }
    }
  });

  it('gives the statuses of docs/errors.md, the three idempotency codes included', () => {
    assert.equal(codeAnswers.invalid.status, 400);
    assert.equal(codeAnswers.device_offline.status, 404);
    assert.equal(codeAnswers.device_failed.status, 502);
    assert.equal(codeAnswers.idempotency_key_required.status, 400);
    assert.equal(codeAnswers.idempotency_mismatch.status, 422);
    assert.equal(codeAnswers.idempotency_in_progress.status, 409);
  });

  it('tells a person on a page that an offline controller is unavailable, where the API says it cannot be found', () => {
    assert.equal(statusOn('api', 'device_offline'), 404);
    assert.equal(statusOn('toggle', 'device_offline'), 404);
    assert.equal(statusOn('page', 'device_offline'), 503);
  });

  it('gives the OAuth surface RFC 6749\'s codes [invalid, unauthenticated]', () => {
    assert.equal(codeAnswers.invalid.oauth, 'invalid_request');
    assert.equal(codeAnswers.unauthenticated.oauth, 'invalid_client');
  });
});

describe('toggleMessage', () => {
  it('says the original API\'s sentences, with the door\'s name once it is known', () => {
    assert.equal(toggleMessage(400, 'Garage', 'door_state must be OPEN or CLOSED.'), 'Error communicating with Garage. Malformed Request. (400)');
    assert.equal(toggleMessage(400, undefined, 'x'), 'Error communicating with access point. Malformed Request. (400)');
    assert.equal(toggleMessage(401, 'Garage', 'x'), 'Error communicating with access point. Authentication error. (401)');
    assert.equal(toggleMessage(404, undefined, 'x'), 'Sorry, your access point can\'t be found. Please unplug the access point and then plug it back in.');
    assert.equal(toggleMessage(404, 'Garage', 'x'), 'Sorry, your Garage can\'t be found. Please unplug the Garage and then plug it back in.');
    assert.equal(toggleMessage(428, 'Side Garage', 'x'), 'Your Side Garage requires pairing a door sensor before the request can be processed. (428)');
    assert.equal(toggleMessage(501, 'Lobby Door', 'x'), 'Error communicating with Lobby Door. Not Implemented error. (501)');
    assert.equal(toggleMessage(500, 'Garage', 'a stack'), unexpectedMessage);
    assert.equal(toggleMessage(503, 'Garage', 'x'), unavailableMessage);
  });

  it('keeps the refusal\'s own sentence for the other statuses [403, 409, 413, 415, 429, 502, 504]', () => {
    for (const status of [403, 409, 413, 415, 429, 502, 504]) assert.equal(toggleMessage(status, 'Garage', 'Its own sentence.'), 'Its own sentence.');
  });

  it('is the message of the toggle envelope', () => {
    const answer = answerIn('toggle', { status: 501, message: 'not_supported', doorName: 'Lobby Door' }, context);
    assert.equal(answer.body, '{"success":false,"timestamp":1795919872,"message":"Error communicating with Lobby Door. Not Implemented error. (501)"}');
  });
});

describe('validationMessage', () => {
  it('names the field [wrong, missing, unknown, none]', () => {
    assert.equal(validationMessage({ validation: [{ instancePath: '/limit', message: 'must match pattern "^[0-9]{1,5}$"', params: {}, keyword: 'pattern', schemaPath: '' }], validationContext: 'querystring' }), 'Invalid limit: must match pattern "^[0-9]{1,5}$".');
    assert.equal(validationMessage({ validation: [{ instancePath: '', message: 'must have required property \'door_id\'', params: { missingProperty: 'door_id' }, keyword: 'required', schemaPath: '' }], validationContext: 'body' }), 'Invalid door_id: must have required property \'door_id\'.');
    assert.equal(validationMessage({ validation: [{ instancePath: '', message: 'must NOT have additional properties', params: { additionalProperty: 'role' }, keyword: 'additionalProperties', schemaPath: '' }], validationContext: 'body' }), 'Invalid role: must NOT have additional properties.');
    assert.equal(validationMessage({ validation: [{ instancePath: '/a/b', message: 'must be string', params: {}, keyword: 'type', schemaPath: '' }], validationContext: 'body' }), 'Invalid a.b: must be string.');
    assert.equal(validationMessage({ validation: undefined, validationContext: undefined }), 'Invalid request: malformed.');
  });
});

describe('requestRefusal', () => {
  it('keeps 413 and 415 with their documented sentences, and makes anything else a 400', () => {
    assert.deepEqual(requestRefusal(413), { status: 413, message: 'The request body is too large.' });
    assert.deepEqual(requestRefusal(415), { status: 415, message: 'Send JSON (Content-Type: application/json).' });
    assert.deepEqual(requestRefusal(400), { status: 400, message: 'Malformed request.' });
    assert.deepEqual(requestRefusal(411), { status: 400, message: 'Malformed request.' });
  });
});

describe('answerIn', () => {
  it('writes the OAuth surface\'s 503 as temporarily_unavailable, and invalid_request otherwise by default', () => {
    assert.deepEqual(JSON.parse(answerIn('oauth', { status: 503, message: 'later' }, context).body), { error: 'temporarily_unavailable', error_description: 'later' });
    assert.deepEqual(JSON.parse(answerIn('oauth', { status: 400, message: 'no' }, context).body), { error: 'invalid_request', error_description: 'no' });
  });

  it('escapes a page\'s message and gives it the domain refusal\'s title [404, 403]', () => {
    const notFound = answerIn('page', { status: 404, message: '<b>gone</b>' }, context).body;
    assert.match(notFound, /<h1>Not found<\/h1>/);
    assert.ok(notFound.includes('&#60;b&#62;gone&#60;/b&#62;'));
    assert.ok(!notFound.includes('<b>gone</b>'));
    assert.match(answerIn('page', { status: 403, message: 'No.' }, context).body, /<h1>This cannot be done<\/h1>/);
    assert.match(answerIn('page', { status: 503, message: 'Later.', title: 'Temporarily unavailable' }, context).body, /<h1>Temporarily unavailable<\/h1>/);
  });
});
