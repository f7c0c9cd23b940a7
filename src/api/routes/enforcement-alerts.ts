// Enforcement alerts (phase2.md C.3) with the `enforcer` scope: the list (and
// its export) and one alert.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { alertStates, getAlert, listAlerts } from '../../access/enforcer/alerts.ts';
import { ApiAlert, describeMembers, enforcerActor, presentAlert, tags } from '../enforcement-schemas.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { listOf, listPage, listQueryFields } from '../lists.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const ListQuery = Type.Object({
  account_id: Type.Optional(accountIdField),
  state: Type.Optional(Type.String({ maxLength: 20, description: alertStates.join(', ') })),
  ...listQueryFields,
}, { additionalProperties: false });
const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
export const AlertParams = Type.Object({ alert_id: Type.String({ maxLength: 64 }) });

const alertList = listOf('alerts', ApiAlert, presentAlert, {
  filename: 'alerts.csv',
  header: ['id', 'trigger', 'door_id', 'door_name', 'plate', 'read_id', 'state', 'occurrences', 'opened_at', 'last_at', 'resolved_by', 'resolved_at', 'reason', 'note', 'notice_id'],
  row: (a) => [a.id, a.trigger, a.door?.id ?? null, a.door?.name ?? null, a.plate, a.read_id, a.state, a.occurrences, a.opened_at, a.last_at, a.resolved_by, a.resolved_at, a.reason, a.note, a.notice_id],
});

export async function enforcementAlertRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof ListQuery> }>('/enforcement/alerts', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'List the enforcement alerts',
      description: `${describeMembers} Newest first. Opened by a refused plate read (unauthorized_vehicle), a watchlisted plate's read (watchlist_hit), the keypad's guess limit (wrong_pin) and a door forced open (forced_open); a repeat within an hour of an open alert's last occurrence (same trigger, and plate or door) raises its occurrences.`,
      security: bearerSecurity, querystring: ListQuery,
      response: { 200: alertList.response, ...codedErrors },
    },
  }, async (request, reply) => {
    const { query } = request;
    const page = await listAlerts(deps.enforcer, await enforcerActor(deps, request, query.account_id), { state: query.state, ...listPage(query) });
    return alertList.send(reply, query, page);
  });

  app.get<{ Params: Static<typeof AlertParams>; Querystring: Static<typeof AccountQuery> }>('/enforcement/alerts/:alert_id', {
    config: { domainCodes: true },
    schema: { tags, summary: 'Read an enforcement alert', description: describeMembers, security: bearerSecurity, params: AlertParams, querystring: AccountQuery, response: { 200: successEnvelope(ApiAlert), ...codedErrors } },
  }, async (request) => {
    const alert = await getAlert(deps.enforcer, await enforcerActor(deps, request, request.query.account_id), request.params.alert_id);
    return { success: true as const, timestamp: unixNow(), data: presentAlert(alert) };
  });
}
