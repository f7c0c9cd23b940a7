// A controller's messages are applied in the order they came, one at a time;
// other controllers' messages do not wait for them.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { perKeyInOrder } from '../../src/devices/in-order.ts';

describe('per-controller ordering', () => {
  it('runs one key\'s tasks in arrival order even when the first is slower, and keeps going after a failure', async () => {
    const inOrder = perKeyInOrder();
    const done: string[] = [];
    const first = inOrder('a', async () => { await sleep(50); done.push('a1'); });
    const failing = inOrder('a', async () => { done.push('a2'); throw new Error('bad report'); });
    const third = inOrder('a', async () => { done.push('a3'); return 3; });
    await first;
    await assert.rejects(failing, /bad report/);
    assert.equal(await third, 3);
    assert.deepEqual(done, ['a1', 'a2', 'a3']);
  });

  it('does not make another key wait', async () => {
    const inOrder = perKeyInOrder();
    const done: string[] = [];
    const slow = inOrder('a', async () => { await sleep(100); done.push('a'); });
    await inOrder('b', async () => { done.push('b'); });
    assert.deepEqual(done, ['b']);
    await slow;
    assert.deepEqual(done, ['b', 'a']);
  });
});
