// The `plate` event's additive fields (docs/device-protocol.md, phase2.md
// B.3): what the decoder takes, and the hostile shapes it refuses, as it
// refuses every malformed controller message (nothing reaches the domain).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from '../../src/devices/protocol.ts';

const phase1 = { type: 'plate', entity_number: 2, plate: 'PQX 1001', at: 1_772_636_400_000 };
const full = { ...phase1, region: 'US-NY', read_id: 'cam2_r-1', confidence: 0.93, candidates: [{ plate: 'PQX1O01', confidence: 0.41 }] };
const payload = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('plate event', () => {
  it("takes a Phase 1 read, and one with region, read_id, confidence and candidates (and fields it does not know)", () => {
    assert.deepEqual(decode('events', payload(phase1)), phase1);
    assert.deepEqual(decode('events', payload(full)), full);
    assert.deepEqual(decode('events', payload({ ...full, camera: 'north' })), { ...full, camera: 'north' });
    assert.deepEqual(decode('events', payload({ ...full, confidence: 0, candidates: [] })), { ...full, confidence: 0, candidates: [] });
  });

  const hostile: [string, unknown][] = [
    ['confidence above 1', { ...full, confidence: 1.5 }],
    ['confidence below 0', { ...full, confidence: -0.1 }],
    ['confidence as a string', { ...full, confidence: '0.9' }],
    ['confidence null', { ...full, confidence: null }],
    ['six candidates', { ...full, candidates: Array.from({ length: 6 }, (_, i) => ({ plate: `PQX100${i}`, confidence: 0.5 })) }],
    ['a candidate without confidence', { ...full, candidates: [{ plate: 'PQX1001' }] }],
    ['a candidate confidence out of range', { ...full, candidates: [{ plate: 'PQX1001', confidence: 2 }] }],
    ['candidates not a list', { ...full, candidates: { plate: 'PQX1001', confidence: 0.5 } }],
    ['a read_id with spaces', { ...full, read_id: 'read 1' }],
    ['an empty read_id', { ...full, read_id: '' }],
    ['a read_id of 65 characters', { ...full, read_id: 'r'.repeat(65) }],
    ['a read_id that is a number', { ...full, read_id: 1 }],
    ['a plate of 200 characters', { ...full, plate: 'P'.repeat(200) }],
    ['a region of 21 characters', { ...full, region: 'u'.repeat(21) }],
    ['an entity out of range', { ...full, entity_number: 101 }],
    ['no plate', { type: 'plate', entity_number: 2, at: 1 }],
  ];
  for (const [what, value] of hostile) {
    it(`refuses ${what}`, () => assert.equal(decode('events', payload(value)), undefined));
  }
});
