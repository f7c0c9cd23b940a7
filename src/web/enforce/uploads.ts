// The patrol forms that carry photos (multipart/form-data, @fastify/multipart
// registered in this scope only): read before validation so the body is the
// typed fields, as a urlencoded form's would be, and the CSRF check reads its
// token as on every other page. The files are kept aside in memory (at most
// three of 5 MiB); one too large or one too many becomes words for the form.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maxEvidenceBytes, sniffEvidenceType } from '../../access/enforcer/evidence.ts';
import { DomainError } from '../../access/errors.ts';

/** Photos one form sends at most. */
export const maxPhotos = 3;
const maxMiB = maxEvidenceBytes / 1024 / 1024;

export interface Upload {
  filename: string;
  data: Buffer;
}

const received = new WeakMap<FastifyRequest, { files: Upload[]; refusal?: string }>();

export async function registerUploads(app: FastifyInstance): Promise<void> {
  await app.register(multipart, { limits: { fileSize: maxEvidenceBytes, files: maxPhotos, fields: 30, fieldSize: 16 * 1024, parts: 40 } });
}

/** A route's preValidation: the fields become the body, the files are kept for `uploadsOf`. */
export async function readMultipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  const files: Upload[] = [];
  let refusal: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        // A file input left empty is sent all the same, with no name and no bytes.
        if (part.filename === '' && data.length === 0) continue;
        files.push({ filename: part.filename, data });
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    const { RequestFileTooLargeError, FilesLimitError } = request.server.multipartErrors;
    if (error instanceof RequestFileTooLargeError) refusal = `A photo is larger than ${maxMiB} MiB: choose a smaller one.`;
    else if (error instanceof FilesLimitError) refusal = `At most ${maxPhotos} photos at a time.`;
    else throw error;
  }
  request.body = fields;
  received.set(request, { files, refusal });
}

/**
 * The files the form sent, each a JPEG, PNG or PDF by its bytes; anything
 * else is refused before the form changes anything (the domain checks again).
 */
export function uploadsOf(request: FastifyRequest): Upload[] {
  const { files = [], refusal } = received.get(request) ?? {};
  if (refusal) throw new DomainError('invalid', refusal);
  const odd = files.find((file) => sniffEvidenceType(file.data) === null);
  if (odd) throw new DomainError('invalid', `Invalid photos: ${odd.filename || 'a file'} is not a JPEG or PNG photo (nor a PDF document).`);
  return files;
}
