// The per-controller message rate: coalescing keeps order and the last state,
// and misbehaving is announced once per episode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayHandlers } from '../../src/devices/gateway.ts';
import { limitMessageRate, MISBEHAVING_EPISODE_GAP_MS } from '../../src/devices/message-rate.ts';
import type { StateReport } from '../../src/devices/protocol.ts';
import { until } from '../helpers/controllers.ts';

const report = (version: string): StateReport => ({ software_version: version, doors: [] });

function recorder() {
  const calls: string[] = [];
  const handlers: GatewayHandlers = {
    status: async (deviceId, online) => { calls.push(`${deviceId} status ${online}`); },
    state: async (deviceId, state) => { calls.push(`${deviceId} state ${state.software_version}`); },
    event: async (deviceId, event) => { calls.push(`${deviceId} event ${event.type}`); },
    error: () => {},
    notice: () => {},
  };
  return { calls, handlers };
}

describe('controller message rate', () => {
  it('passes messages within the limit, then holds the latest state and presence for the next second, in order, and drops events', async (t) => {
    const { calls, handlers } = recorder();
    let now = 0;
    const misbehaving: string[] = [];
    const limited = limitMessageRate(handlers, { perSecond: 3, clock: () => now, onMisbehaving: (deviceId) => misbehaving.push(deviceId) });
    t.after(() => limited.stop());
    await limited.status('a', true);
    await limited.state('a', report('1'));
    await limited.state('a', report('2'));
    await limited.state('a', report('3'));
    await limited.event('a', { type: 'forced_open', entity_number: 1, at: 0 });
    await limited.state('a', report('4'));
    await limited.status('a', false);
    await limited.state('b', report('other'));
    assert.deepEqual(calls, ['a status true', 'a state 1', 'a state 2', 'b state other']);
    assert.deepEqual(misbehaving, ['a']);
    now = 1000;
    await until(() => calls.length === 6, 3000);
    assert.deepEqual(calls.slice(4), ['a status false', 'a state 4']);
  });

  it('announces misbehaving again only after a quiet gap', async (t) => {
    const { handlers } = recorder();
    let now = 0;
    let announced = 0;
    const limited = limitMessageRate(handlers, { perSecond: 2, clock: () => now, onMisbehaving: () => { announced += 1; } });
    t.after(() => limited.stop());
    const burst = async () => { for (let i = 0; i < 5; i += 1) await limited.event('a', { type: 'forced_open', entity_number: 1, at: now }); };
    await burst();
    now += MISBEHAVING_EPISODE_GAP_MS / 2;
    await burst();
    assert.equal(announced, 1, 'the same episode');
    now += MISBEHAVING_EPISODE_GAP_MS + 1;
    await burst();
    assert.equal(announced, 2, 'a new episode');
  });
});
