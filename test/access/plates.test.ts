import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookAlikeKey, plateKey, platesMatch, regionCode } from '../../src/access/plates.ts';

describe('plate keys', () => {
  for (const [input, key] of [['PQX-1001', 'PQX1001'], ['pqx 1001', 'PQX1001'], ['ＰＱＸ１００１', 'PQX1001'], [' ab ', 'AB'], ['A1B2C3D4E5', 'A1B2C3D4E5']] as const) {
    it(`folds ${JSON.stringify(input)} to ${key}`, () => assert.equal(plateKey(input), key));
  }
  for (const input of ['', ' ', 'A', 'A1B2C3D4E5F', 'PQX\u04101001', 'ÄBC123', 'PQX_1001', 'PQX.1001', '123456789012345678901']) {
    it(`has no key for ${JSON.stringify(input)}`, () => assert.equal(plateKey(input), null));
  }
});

describe('regions', () => {
  it('keeps codes lower-cased and forgets anything else', () => {
    assert.deepEqual(['US-NY', 'gb', 'de-by', 'New York', '', null, 'u', 'us-newyork'].map(regionCode), ['us-ny', 'gb', 'de-by', null, null, null, null, null]);
  });

  it('matches equal keys when a region is unknown or equal, never across two known regions', () => {
    assert.equal(platesMatch({ key: 'AB12', region: 'us-ny' }, { key: 'AB12', region: null }), true);
    assert.equal(platesMatch({ key: 'AB12', region: 'us-ny' }, { key: 'AB12', region: 'us-ny' }), true);
    assert.equal(platesMatch({ key: 'AB12', region: 'us-ny' }, { key: 'AB12', region: 'us-nj' }), false);
    assert.equal(platesMatch({ key: 'AB12', region: null }, { key: 'AB13', region: null }), false);
  });
});

describe('look-alikes', () => {
  it('folds the letters a camera confuses with digits', () => {
    assert.equal(lookAlikeKey('PQX1O01'), lookAlikeKey('PQX1001'));
    assert.equal(lookAlikeKey('OQDILBSZG'), '000118526');
    assert.notEqual(lookAlikeKey('PQX1001'), lookAlikeKey('PQX1002'));
  });
});
