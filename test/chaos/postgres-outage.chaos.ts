// Promise: PostgreSQL cut for 20 s, then frozen for 20 s, under steady load of
// API reads and toggles with a simulated controller: every answer is fast (a
// 503 with Retry-After while the database is away, never a 500 or a hang, a
// toggle always by its deadline), readiness goes red then green, nothing is
// lost (every toggle answered 200 was carried out once and is recorded, in
// its command row and the history, and so is every command carried out
// while the database was away, once it is back), no command is executed twice or after
// its deadline, and the same process serves again afterwards, no restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { compactId } from '../../src/access/ids.ts';
import { sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { postgresSkipReason } from '../helpers/build-app.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { sandboxTokens } from '../helpers/oauth.ts';
import { brokerAnswers, serverBehindProxy, timed } from '../helpers/postgres-proxy.ts';

type Phase = 'before' | 'cut' | 'between' | 'frozen' | 'after';

interface Answer {
  phase: Phase;
  what: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  toggleId?: string;
}

const OUTAGE_MS = 20_000;
const DEADLINE_MS = 8000;
const STATEMENT_TIMEOUT_MS = 2000;

describe('PostgreSQL cut, then frozen, under load [postgres]', { skip: postgresSkipReason }, () => {
  it('answers fast throughout, goes red then green, loses nothing, executes nothing twice, and needs no restart', async (t) => {
    const { baseUrl, app, proxy, logs } = await serverBehindProxy(t, {
      PARQEX_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      PARQEX_TOGGLE_DEADLINE_MS: String(DEADLINE_MS),
      PARQEX_RATE_LIMIT_PER_TOKEN: '100000',
      PARQEX_RATE_LIMIT_PER_PERSON: '100000',
      PARQEX_RATE_LIMIT_PER_DOOR: '100000',
    });
    const controller = await sandboxController(t, app, 'a');
    const executions = new Map<string, number>();
    const lateExecutions: string[] = [];
    controller.onCommand = (command, ack, repeated) => {
      if (repeated || ack.result !== 'ok') return;
      executions.set(command.command_id, (executions.get(command.command_id) ?? 0) + 1);
      if (Date.now() > command.expires_at) lateExecutions.push(command.command_id);
    };
    const { access_token } = await sandboxTokens(baseUrl);
    const bearer = { authorization: `Bearer ${access_token}` };

    let phase: Phase = 'before';
    let running = true;
    const answers: Answer[] = [];
    const readiness: { phase: Phase; status: number; ms: number }[] = [];

    const reads = async (path: string) => {
      while (running) {
        const { ms, value } = await timed(() => fetch(`${baseUrl}${path}`, { headers: bearer }));
        await value.arrayBuffer();
        answers.push({ phase, what: path, status: value.status, ms, retryAfter: value.headers.get('retry-after') });
        await sleep(100);
      }
    };
    const toggles = async (door: string, states: readonly string[]) => {
      for (let i = 0; running; i += 1) {
        const started = phase;
        const { ms, value } = await timed(() => fetch(`${baseUrl}/oauth/v1/endpoints/toggle`, {
          method: 'POST',
          headers: { ...bearer, 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') },
          body: JSON.stringify({ door_id: compactId(door), door_state: states[i % states.length] }),
        }));
        const body = await value.json() as { success: boolean; data?: { toggle_id: string } };
        answers.push({ phase: started, what: 'toggle', status: value.status, ms, retryAfter: value.headers.get('retry-after'), toggleId: body.data?.toggle_id });
        await sleep(200);
      }
    };
    const probe = async () => {
      while (running) {
        const { ms, value } = await timed(() => fetch(`${baseUrl}/readyz`));
        await value.arrayBuffer();
        readiness.push({ phase, status: value.status, ms });
        await sleep(250);
      }
    };
    const load = Promise.all([
      reads('/oauth/v1/endpoints/user-info'),
      reads('/oauth/v1/endpoints/sync'),
      toggles(sandboxDoors.lobby.id, ['OPEN']),
      toggles(sandboxDoors.garage.id, ['OPEN', 'CLOSED']),
      probe(),
    ]);

    const ready = async () => (await fetch(`${baseUrl}/readyz`)).status === 200;
    await sleep(3000);
    phase = 'cut';
    proxy.cut();
    await sleep(OUTAGE_MS);
    assert.ok(await brokerAnswers(app.brokerUrl), 'the embedded broker answers during the outage');
    proxy.restore();
    phase = 'between';
    await until(ready, 20_000);
    await sleep(2000);
    phase = 'frozen';
    proxy.freeze();
    await sleep(OUTAGE_MS);
    proxy.restore();
    phase = 'after';
    await until(ready, 20_000);
    await sleep(5000);
    running = false;
    await load;

    const summary = Object.fromEntries((['before', 'cut', 'between', 'frozen', 'after'] as const).map((name) => [name, answers.filter((answer) => answer.phase === name).reduce<Record<string, number>>((count, answer) => {
      const key = `${answer.what} ${answer.status}`;
      count[key] = (count[key] ?? 0) + 1;
      return count;
    }, {})]));
    t.diagnostic(`answers by phase: ${JSON.stringify(summary)}`);
    t.diagnostic(`slowest answer: ${Math.round(Math.max(...answers.map((answer) => answer.ms)))} ms; slowest readiness: ${Math.round(Math.max(...readiness.map((probe) => probe.ms)))} ms`);

    // Fast, and in the documented statuses: no 500, no hang.
    for (const answer of answers) {
      const allowed = answer.what === 'toggle' ? [200, 409, 503, 504] : [200, 503];
      assert.ok(allowed.includes(answer.status), `${answer.what} answered ${answer.status} (${answer.phase})`);
      if (answer.status === 503) assert.ok(Number(answer.retryAfter) > 0, `${answer.what} 503 without Retry-After`);
      const bound = answer.what === 'toggle' ? DEADLINE_MS + 300 : STATEMENT_TIMEOUT_MS + 1500;
      assert.ok(answer.ms < bound, `${answer.what} answered ${answer.status} after ${Math.round(answer.ms)} ms (${answer.phase})`);
    }
    for (const name of ['cut', 'frozen'] as const) {
      assert.ok(answers.some((answer) => answer.phase === name && answer.status === 503), `503s while ${name}`);
    }
    // Red then green, each probe within its own second.
    for (const name of ['cut', 'frozen'] as const) assert.ok(readiness.some((probe) => probe.phase === name && probe.status === 503), `readiness red while ${name}`);
    assert.equal(readiness.filter((probe) => probe.phase === 'before').every((probe) => probe.status === 200), true);
    assert.equal(readiness.at(-1)?.status, 200);
    assert.ok(readiness.every((probe) => probe.ms < 2000), 'every readiness probe answered within 2 s (its own timeout is 1 s)');

    // Nothing lost, nothing twice, nothing late.
    const succeeded = answers.filter((answer) => answer.what === 'toggle' && answer.status === 200).map((answer) => answer.toggleId!);
    assert.ok(succeeded.length > 0);
    for (const toggleId of succeeded) {
      assert.equal(executions.get(toggleId), 1, `toggle ${toggleId} answered 200 and was executed ${executions.get(toggleId) ?? 0} times`);
      const row = await app.db.selectFrom('door_commands').select('status').where('id', '=', toggleId).executeTakeFirst();
      assert.equal(row?.status, 'succeeded', `toggle ${toggleId} answered 200 and is recorded as ${row?.status}`);
    }
    assert.deepEqual([...executions.values()].filter((count) => count > 1), [], 'no command executed twice');
    // A command carried out while the database was away (answered 503) is recorded once it is back.
    await until(async () => {
      const rows = await app.db.selectFrom('door_commands').select(['id', 'status']).where('id', 'in', [...executions.keys()]).execute();
      return rows.length === executions.size && rows.every((row) => row.status === 'succeeded');
    }, 15_000);
    assert.deepEqual(lateExecutions, [], 'no command executed after its deadline');
    const history = await app.db.selectFrom('access_events').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('person_id', '=', sandboxPeople.alex.id).where('was_success', '=', 1).where('channel', 'like', 'API:%').executeTakeFirstOrThrow();
    assert.ok(Number(history.n) >= executions.size, `history holds ${history.n} successful toggles for ${executions.size} carried out`);

    // Every failure on the way was a warning, never an error of the server's own.
    const errors = logs().split('\n').filter((line) => /"level":(50|60)/.test(line)).map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.deepEqual([...new Set(errors)], [], 'no error-level log line');

    // The same process serves again.
    const after = answers.filter((answer) => answer.phase === 'after');
    assert.equal(after.at(-1)?.status, 200);
    assert.ok(await brokerAnswers(app.brokerUrl));
    t.diagnostic(`faults injected: 1 cut (${OUTAGE_MS} ms), 1 freeze (${OUTAGE_MS} ms); requests: ${answers.length}; toggles answered 200 and checked: ${succeeded.length}; commands executed: ${executions.size}`);
  });
});
