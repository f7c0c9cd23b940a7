// The reads of the account's plate readers (phase2.md B.6) with the `lpr`
// scope, for its Admin and enforcement members; a search by plate is logged.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { requireGrantedDoor } from '../../access/acting-account.ts';
import { compactId } from '../../access/ids.ts';
import { readDecisions, searchReads, type PlateRead } from '../../access/plate-reads.ts';
import { scopedAccount } from '../auth.ts';
import { apiTimestamp } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { listOf, listPage, listQueryFields } from '../lists.ts';
import { accountIdField, bearerSecurity, codedErrors } from '../schemas.ts';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });
const ReadData = Type.Object({
  id: Type.String({ description: 'The read, 32 lowercase hex' }),
  device_id: Type.String({ description: 'The controller, 32 lowercase hex' }),
  entity_number: Type.Integer(),
  door: nullable(Type.Object({ id: Type.String({ description: '32 lowercase hex' }), name: Type.String() }), 'The door the reader serves; null when none'),
  plate: Type.String({ description: 'As the reader sent it' }),
  plate_key: nullable(Type.String(), 'Its plate key; null when it has none (unreadable)'),
  region: nullable(Type.String(), 'Lower-case region code the reader sent; null when none'),
  confidence: Type.Number(),
  candidates: Type.Array(Type.Object({ plate: Type.String(), confidence: Type.Number() }), { description: 'Other readings the reader offered' }),
  direction: Type.Union([Type.Literal('entry'), Type.Literal('exit')]),
  decision: Type.Union(readDecisions.map((decision) => Type.Literal(decision))),
  reason: nullable(Type.String(), 'Why a read was refused: unknown plate, outside hours, not started, ended, excluded, over vehicle cap'),
  basis: nullable(Type.String(), 'What a granted read was let in on: member, guest_pass, allowance, booking, stay'),
  basis_id: nullable(Type.String(), 'The guest pass, allowance, booking or stay'),
  person: nullable(Type.Object({ id: Type.String({ description: 'A dashed UUID' }), first_name: Type.String(), last_name: Type.String() }), 'The person the read was let in for'),
  near_matches: Type.Array(Type.String(), { description: 'Plate keys of the account\'s vehicles a camera could confuse with it: a hint, never a grant' }),
  occurred_at: Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' }),
});
const Query = Type.Object({
  account_id: Type.Optional(accountIdField),
  door_id: Type.Optional(Type.String({ maxLength: 64, description: 'Only reads at this door' })),
  plate: Type.Optional(Type.String({ maxLength: 40, description: 'Only reads of this plate (by plate key); the search is logged with who made it, through which application, and when' })),
  decision: Type.Optional(Type.String({ maxLength: 20, description: readDecisions.join(', ') })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'From this instant: ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC when no offset' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Before this instant' })),
  ...listQueryFields,
}, { additionalProperties: false });

function present(read: PlateRead) {
  return {
    id: read.id, device_id: compactId(read.deviceId), entity_number: read.entityNumber, door: read.door && { id: compactId(read.door.id), name: read.door.name },
    plate: read.plate, plate_key: read.plateKey, region: read.region, confidence: read.confidence, candidates: read.candidates,
    direction: read.direction, decision: read.decision, reason: read.reason, basis: read.basis, basis_id: read.basisId,
    person: read.person && { id: read.person.id, first_name: read.person.firstName, last_name: read.person.lastName },
    near_matches: read.nearMatches, occurred_at: apiTimestamp(read.occurredAt) ?? '',
  };
}

const readList = listOf('reads', ReadData, present, {
  filename: 'lpr-reads.csv',
  header: ['id', 'occurred_at', 'device_id', 'entity_number', 'door_id', 'door_name', 'plate', 'plate_key', 'region', 'confidence', 'direction', 'decision', 'reason', 'basis', 'basis_id', 'person_id', 'first_name', 'last_name', 'near_matches'],
  row: (read) => [
    read.id, read.occurred_at, read.device_id, read.entity_number, read.door?.id ?? null, read.door?.name ?? null, read.plate, read.plate_key, read.region, read.confidence,
    read.direction, read.decision, read.reason, read.basis, read.basis_id, read.person?.id ?? null, read.person?.first_name ?? null, read.person?.last_name ?? null, read.near_matches.join(' '),
  ],
});

export async function lprReadsRoute(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>('/lpr/reads', {
    config: { domainCodes: true },
    schema: {
      tags: ['LPR'], summary: 'Search the plate reads',
      description: 'The `lpr` scope; the account\'s Admin and members with the enforcement permission (another member 403, anyone else 404). Newest first; a door not the account\'s is 404.',
      security: bearerSecurity, querystring: Query,
      response: { 200: readList.response, ...codedErrors },
    },
  }, async (request, reply) => {
    const { query } = request;
    const accountId = await scopedAccount(deps.db, request, query.account_id, 'lpr');
    requireGrantedDoor(request.viewer!, query.door_id);
    const page = await searchReads(deps.db, { personId: request.principal!.personId, clientId: request.principal!.clientId }, {
      accountId, doorId: query.door_id, plate: query.plate, decision: query.decision, from: query.from, to: query.to, ...listPage(query),
    });
    return readList.send(reply, query, page);
  });
}
