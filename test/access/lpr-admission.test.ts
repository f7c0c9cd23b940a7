import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admissionOf } from '../../src/access/lpr-admission.ts';

const vehicle = (id: string, person: string, plate: string, region = '') => ({ id, person_id: person, plate, region });

describe('what an account admits', () => {
  const fleet = [vehicle('v1', 'alex', 'PQX1001', 'us-ny'), vehicle('v2', 'alex', 'PQX2002'), vehicle('v3', 'alex', 'PQX3003'), vehicle('v4', 'gia', 'GIA404')];

  it('admits every vehicle when there is no cap and nothing is excluded', () => {
    assert.deepEqual(admissionOf(fleet, new Set(), null).map((v) => [v.plate, v.admitted, v.reason, v.region]), [
      ['PQX1001', true, null, 'us-ny'], ['PQX2002', true, null, null], ['PQX3003', true, null, null], ['GIA404', true, null, null],
    ]);
  });

  it('counts the cap per member in adding order', () => {
    assert.deepEqual(admissionOf(fleet, new Set(), 1).map((v) => [v.plate, v.reason]), [['PQX1001', null], ['PQX2002', 'over_cap'], ['PQX3003', 'over_cap'], ['GIA404', null]]);
  });

  it('skips an excluded plate, so the next vehicle takes its place under the cap', () => {
    assert.deepEqual(admissionOf(fleet, new Set(['PQX1001']), 1).map((v) => [v.plate, v.reason]), [['PQX1001', 'excluded'], ['PQX2002', null], ['PQX3003', 'over_cap'], ['GIA404', null]]);
  });
});
