// Evidence of a parking notice (phase2.md C.2) with the `enforcer` scope: a
// photo or PDF sent as multipart/form-data (one file, at most 5 MiB: more is
// 413 whatever the server's 64 KiB body limit), its type read from its bytes;
// and the file itself, for the account's Admin and enforcement members only.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { addEvidence, evidenceTypes, maxEvidenceBytes, readEvidence, type Evidence } from '../../access/enforcer/evidence.ts';
import { DomainError } from '../../access/errors.ts';
import { NoticeParams, describeMembers, enforcerActor, tags } from '../enforcement-schemas.ts';
import { apiTimestamp, unixNow } from '../format.ts';
import type { ApiDeps } from '../index.ts';
import { accountIdField, bearerSecurity, codedErrorEnvelope, codedErrors, successEnvelope } from '../schemas.ts';

const AccountQuery = Type.Object({ account_id: Type.Optional(accountIdField) }, { additionalProperties: false });
const EvidenceParams = Type.Object({ ...NoticeParams.properties, evidence_id: Type.String({ maxLength: 64 }) });
const ApiEvidence = Type.Object({
  id: Type.String({ description: '32 lowercase hex' }), notice_id: Type.String(),
  content_type: Type.Union(evidenceTypes.map((type) => Type.Literal(type)), { description: 'Read from the file\'s bytes, whatever type was declared' }),
  filename: Type.String(), size: Type.Integer(), sha256: Type.String({ description: 'Hex' }),
  person_id: Type.String({ description: 'Who added it, a dashed UUID' }), at: Type.String({ description: 'UTC, "YYYY-MM-DD HH:MM:SS"' }),
});

function present(evidence: Evidence) {
  return {
    id: evidence.id, notice_id: evidence.noticeId, content_type: evidence.contentType, filename: evidence.filename, size: evidence.size, sha256: evidence.sha256,
    person_id: evidence.personId, at: apiTimestamp(evidence.at)!,
  };
}

const tooLarge = `The file is larger than ${maxEvidenceBytes / 1024 / 1024} MiB, or more than one file was sent.`;

/** The one file of the form, read whole; the limit and the form's shape answered as domain errors. */
async function uploadedFile(request: FastifyRequest): Promise<{ data: Buffer; filename: string }> {
  try {
    const part = await request.file({ limits: { fileSize: maxEvidenceBytes, files: 1, fields: 2 } });
    if (!part) throw new DomainError('invalid', 'Invalid file: send one file in a multipart/form-data field named file.');
    const data = await part.toBuffer();
    // Past the limit busboy stops reading and marks the stream truncated: the file is not whole.
    if (part.file.truncated) throw new DomainError('too_large', tooLarge);
    return { data, filename: part.filename };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new DomainError('too_large', tooLarge);
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new DomainError('invalid', 'Invalid file: send it as multipart/form-data.');
    throw error;
  }
}

export async function enforcementNoticeEvidenceRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  // In this plugin's scope only: no other route takes multipart bodies.
  await app.register(multipart, { limits: { fileSize: maxEvidenceBytes, files: 1 } });

  app.post<{ Params: Static<typeof NoticeParams>; Querystring: Static<typeof AccountQuery> }>('/enforcement/notices/:notice_id/evidence', {
    config: { domainCodes: true },
    bodyLimit: maxEvidenceBytes + 64 * 1024,
    schema: {
      tags, summary: 'Add evidence to a parking notice',
      description: `${describeMembers} multipart/form-data with one file: a JPEG or PNG photo or a PDF, its type read from its bytes (a declared type is ignored; anything else 400), at most ${maxEvidenceBytes / 1024 / 1024} MiB (else 413). Kept with its SHA-256 and who added it; never changed nor removed.`,
      consumes: ['multipart/form-data'], security: bearerSecurity, params: NoticeParams, querystring: AccountQuery,
      response: { 201: successEnvelope(ApiEvidence), ...codedErrors, 413: codedErrorEnvelope },
    },
  }, async (request, reply) => {
    const actor = await enforcerActor(deps, request, request.query.account_id);
    const evidence = await addEvidence(deps.enforcer, actor, request.params.notice_id, await uploadedFile(request));
    return reply.code(201).send({ success: true as const, timestamp: unixNow(), data: present(evidence) });
  });

  app.get<{ Params: Static<typeof EvidenceParams>; Querystring: Static<typeof AccountQuery> }>('/enforcement/notices/:notice_id/evidence/:evidence_id', {
    config: { domainCodes: true },
    schema: {
      tags, summary: 'Download a piece of evidence', description: `${describeMembers} The file, with the type it was kept as.`,
      security: bearerSecurity, params: EvidenceParams, querystring: AccountQuery,
      response: { 200: { description: 'The file', content: Object.fromEntries(evidenceTypes.map((type) => [type, { schema: Type.String({ format: 'binary' }) }])) }, ...codedErrors },
    },
  }, async (request, reply) => {
    const actor = await enforcerActor(deps, request, request.query.account_id);
    const file = await readEvidence(deps.enforcer, actor, request.params.notice_id, request.params.evidence_id);
    const filename = file.filename.replace(/[^\w.-]/g, '_');
    return reply.type(file.contentType).header('content-disposition', `attachment; filename="${filename}"`).header('x-content-type-options', 'nosniff').send(file.data);
  });
}
