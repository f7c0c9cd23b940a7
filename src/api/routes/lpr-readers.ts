// Plate readers (phase2.md B.3) with the `lpr` scope: each entity of the
// account's claimed controllers and its settings, set by the Admin.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { requireAdmin } from '../../access/accounts.ts';
import { requireGrantedDoor } from '../../access/acting-account.ts';
import { compactId } from '../../access/ids.ts';
import { accountReaders, maxRepeatWindowS, setReader, type Reader } from '../../access/lpr-readers.ts';
import { scopedAccount } from '../auth.ts';
import { unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrors, successEnvelope } from '../schemas.ts';

const Direction = Type.Union([Type.Literal('entry'), Type.Literal('exit'), Type.Literal('both')], { description: 'entry: reads let cars in; exit: out; both: out for a plate with an open stay, else in' });
const ReaderData = Type.Object({
  device_id: Type.String({ description: 'The controller, 32 lowercase hex' }),
  controller_name: Type.String({ description: 'The Admin\'s name for it, else "Controller <serial>"' }),
  entity_number: Type.Integer(),
  door_id: Type.Union([Type.String(), Type.Null()], { description: 'The door set for its reads, 32 lowercase hex; null: the door at its own entity' }),
  door: Type.Union([Type.Object({ id: Type.String({ description: '32 lowercase hex' }), name: Type.String() }), Type.Null()], { description: 'The door its reads open; null when there is none' }),
  direction: Direction,
  min_confidence: Type.Number({ description: 'Reads below it are low_confidence' }),
  repeat_window_s: Type.Integer({ description: 'A plate granted here again within this many seconds is a repeat' }),
  enabled: Type.Boolean(),
  is_default: Type.Boolean({ description: 'Nothing set yet: the defaults (its entity\'s door, entry, 0.80, 30 s, enabled)' }),
});
const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const ReaderParams = Type.Object({
  device_id: Type.String({ maxLength: 64, description: 'The controller, 32 hex digits or a dashed UUID' }),
  entity: Type.String({ pattern: '^[0-9]{1,3}$', description: 'The entity number, from 1 to the controller\'s number_of_entities_controlled' }),
});
const ReaderBody = Type.Object({
  account_id: Type.Optional(accountIdField),
  door_id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'A door of the account\'s controllers; omitted or null: the door at this entity' })),
  direction: Direction,
  min_confidence: Type.Number({ minimum: 0, maximum: 1, description: '0 to 1' }),
  repeat_window_s: Type.Integer({ minimum: 0, maximum: maxRepeatWindowS, description: `0 to ${maxRepeatWindowS} seconds` }),
  enabled: Type.Boolean(),
}, { additionalProperties: false });

const describeAccess = 'The `lpr` scope; the account\'s Admin only (another member 403, anyone else 404).';

function present(reader: Reader) {
  return {
    device_id: compactId(reader.deviceId), controller_name: reader.controllerName, entity_number: reader.entityNumber,
    door_id: reader.doorId === null ? null : compactId(reader.doorId), door: reader.door && { id: compactId(reader.door.id), name: reader.door.name },
    direction: reader.direction, min_confidence: reader.minConfidence, repeat_window_s: reader.repeatWindowS, enabled: reader.enabled, is_default: reader.isDefault,
  };
}

export async function lprReaderRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof AccountQuery> }>('/lpr/readers', {
    config: { domainCodes: true },
    schema: {
      tags: ['LPR'], summary: 'List the plate readers', description: `${describeAccess} Every entity of the account's claimed controllers, with its settings or the defaults.`,
      security: bearerSecurity, querystring: AccountQuery, response: { 200: successEnvelope(Type.Array(ReaderData)), ...codedErrors },
    },
  }, async (request) => {
    const accountId = await scopedAccount(deps.db, request, request.query.account_id, 'lpr');
    await requireAdmin(deps.db, request.principal!.personId, accountId);
    const controllers = await accountReaders(deps.db, accountId);
    return { success: true as const, timestamp: unixNow(), data: controllers.flatMap((controller) => controller.readers.map(present)) };
  });

  app.put<{ Params: Static<typeof ReaderParams>; Body: Static<typeof ReaderBody> }>('/lpr/readers/:device_id/:entity', {
    config: { domainCodes: true },
    schema: {
      tags: ['LPR'], summary: 'Set a plate reader',
      description: `${describeAccess} Another account's controller, or a door not the account's, is 404; an entity the controller does not have is 400.`,
      security: bearerSecurity, params: ReaderParams, body: ReaderBody, response: { 200: successEnvelope(ReaderData), ...codedErrors },
    },
  }, async (request) => {
    const { body } = request;
    const accountId = await scopedAccount(deps.db, request, body.account_id, 'lpr');
    await requireAdmin(deps.db, request.principal!.personId, accountId);
    requireGrantedDoor(request.viewer!, body.door_id);
    const reader = await setReader(deps.db, deps.clock, {
      accountId, deviceId: request.params.device_id, entityNumber: Number(request.params.entity),
      input: { doorId: body.door_id, direction: body.direction, minConfidence: body.min_confidence, repeatWindowS: body.repeat_window_s, enabled: body.enabled },
    });
    return { success: true as const, timestamp: unixNow(), data: present(reader) };
  });
}
