// A form's work and its refusal, without HTTP: what goes back to the form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError, FieldError } from '../../src/access/errors.ts';
import { attempt } from '../../src/web/form-outcome.ts';

const refusing = (error: Error) => async () => { throw error; };

describe('attempt', () => {
  it('gives the value of work that succeeds', async () => {
    assert.deepEqual(await attempt(async () => 42), { value: 42 });
  });

  it('sends a refusal back with the field the rule names and what was typed [FieldError, "Invalid <field>:", "<field> must"]', async () => {
    const values = { name: 'x' };
    assert.deepEqual(await attempt(refusing(new FieldError('contact_email', 'Give a contact email.')), { values }),
      { refused: { error: 'Give a contact email.', field: 'contact_email', values } });
    assert.equal((await attempt(refusing(new DomainError('invalid', 'Invalid ends_at: give a date and a time.')))).refused?.field, 'ends_at');
    assert.equal((await attempt(refusing(new DomainError('invalid', 'ends_at must be in the future.')))).refused?.field, 'ends_at');
    assert.equal((await attempt(refusing(new DomainError('invalid', 'The endpoint is disabled.')))).refused?.field, undefined);
  });

  it('marks the field of a one-field form whatever the refusal names', async () => {
    const outcome = await attempt(refusing(new DomainError('invalid', 'Invalid plate: a licence plate is 2 to 10 letters.')), { field: 'reason' });
    assert.equal(outcome.refused?.field, 'reason');
  });

  it('says invalid and rate_limited by default; other codes only when the form names them [not_found]', async () => {
    assert.equal((await attempt(refusing(new DomainError('rate_limited', 'Try again in a minute.')))).refused?.error, 'Try again in a minute.');
    const missing = new DomainError('not_found', 'No such plate.');
    await assert.rejects(attempt(refusing(missing)), missing);
    assert.equal((await attempt(refusing(missing), { codes: ['invalid', 'not_found'] })).refused?.error, 'No such plate.');
    const crash = new Error('boom');
    await assert.rejects(attempt(refusing(crash), { codes: ['invalid'] }), crash);
  });
});
