// `parqex webhooks`: an application's webhook endpoints and their deliveries
// (docs/webhooks.md). Every action names the application (--client-id) and
// touches only its endpoints; the production rules come from the config.
import { parseArgs } from 'node:util';
import { DomainError } from '../access/errors.ts';
import type { Config } from '../config.ts';
import { createBox } from '../security/encryption.ts';
import { withDatabase } from './with-database.ts';
import { endpointDeliveries, redeliver, type DeliveryReport } from '../webhooks/deliveries.ts';
import { createEndpoint, listEndpoints, removeEndpoint, rotateEndpointSecret, setEndpointEnabled, type EndpointDeps } from '../webhooks/endpoints.ts';

const actions = ['create', 'list', 'disable', 'enable', 'rotate-secret', 'delete', 'deliveries', 'redeliver'];

export async function webhooksCommand(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'client-id': { type: 'string' },
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      limit: { type: 'string' },
      status: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [action, target] = positionals;
  const print = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  if (!action || !actions.includes(action)) {
    throw new DomainError('invalid', `unknown webhooks action: ${action ?? '(none)'}; use ${actions.slice(0, -1).join(', ')} or ${actions.at(-1)}`);
  }
  const clientId = values['client-id'];
  if (!clientId) throw new DomainError('invalid', '--client-id is required');
  const required = (name: string) => {
    if (!target) throw new DomainError('invalid', `${name} is required`);
    return target;
  };
  return withDatabase(config, async (db) => {
    const deps: EndpointDeps = { db, box: createBox(config.secrets.encryptionKey), production: config.env === 'production' };
    switch (action) {
      case 'create': {
        if (!values.url) throw new DomainError('invalid', '--url is required');
        const created = await createEndpoint(deps, clientId, { url: values.url, eventTypes: values.event });
        print(created, `id              ${created.id}\nurl             ${created.url}\nevent_types     ${created.event_types.join(' ')}\n`
          + `api_key         ${created.api_key}\nsigning_secret  ${created.signing_secret}\n`
          + 'Store the API key and the signing secret now: they are shown once.');
        return;
      }
      case 'list': {
        const endpoints = (await listEndpoints(deps, clientId)).map((e) => ({ ...e, failing_since: e.failing_since === null ? null : new Date(e.failing_since * 1000).toISOString() }));
        print(endpoints, endpoints.map((e) => `${e.id}  ${(e.enabled ? 'enabled' : 'disabled').padEnd(8)}  ${e.url}  ${e.event_types.join(' ')}`
          + (e.disabled_reason ? `  (${e.disabled_reason})` : '') + (e.failing_since ? `  failing since ${e.failing_since}` : '')).join('\n') || '(no webhook endpoints)');
        return;
      }
      case 'disable':
      case 'enable': {
        const id = required('ENDPOINT_ID');
        await setEndpointEnabled(deps, clientId, id, action === 'enable');
        print({ id: id.trim().toLowerCase(), enabled: action === 'enable' }, `${action}d ${id.trim().toLowerCase()}`);
        return;
      }
      case 'rotate-secret': {
        const rotated = await rotateEndpointSecret(deps, clientId, required('ENDPOINT_ID'));
        print(rotated, `signing_secret  ${rotated.signing_secret}\nStore the secret now: it is shown once. `
          + `Until ${rotated.previous_secret_valid_until} deliveries are signed with both the previous and the new secret.`);
        return;
      }
      case 'delete': {
        const removed = await removeEndpoint(deps, clientId, required('ENDPOINT_ID'));
        print({ deleted: removed.id }, `deleted ${removed.id}`);
        return;
      }
      case 'deliveries': {
        const limit = values.limit === undefined ? undefined : wholeNumber(values.limit);
        const deliveries = await endpointDeliveries(db, clientId, required('ENDPOINT_ID'), { limit, status: values.status });
        print(deliveries.map(asJson), deliveries.map(describeDelivery).join('\n') || '(no deliveries)');
        return;
      }
      case 'redeliver': {
        const requeued = await redeliver(db, clientId, required('DELIVERY_ID'));
        print(requeued, `requeued ${requeued.id}`);
        return;
      }
      default:
        throw new DomainError('invalid', `unknown webhooks action: ${action}`);
    }
  });
}

function wholeNumber(raw: string): number {
  const value = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (Number.isNaN(value)) throw new DomainError('invalid', '--limit must be a whole number');
  return value;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function asJson(delivery: DeliveryReport) {
  return {
    ...delivery,
    created_at: iso(delivery.created_at),
    delivered_at: iso(delivery.delivered_at),
    next_attempt_at: iso(delivery.next_attempt_at),
    attempts: delivery.attempts.map((attempt) => ({ ...attempt, attempted_at: iso(attempt.attempted_at) })),
  };
}

/** One line per delivery, then one indented line per attempt. */
function describeDelivery(delivery: DeliveryReport): string {
  const next = delivery.next_attempt_at === null ? '' : `  next attempt ${iso(delivery.next_attempt_at)}`;
  const head = `${delivery.id}  ${delivery.event_type}  ${delivery.status}  ${delivery.attempts.length} attempt(s)  user ${delivery.user_id}  created ${iso(delivery.created_at)}${next}`;
  const attempts = delivery.attempts.map((attempt) => `  ${iso(attempt.attempted_at)}  ${String(attempt.status_code ?? '---').padEnd(3)}  ${String(attempt.latency_ms).padStart(6)} ms`
    + (attempt.error ? `  ${attempt.error}` : ''));
  return [head, ...attempts].join('\n');
}
