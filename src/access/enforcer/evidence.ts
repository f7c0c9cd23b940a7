// Evidence of a parking notice (phase2.md C.2): a JPEG, PNG or PDF, its type
// read from its first bytes (a declared type proves nothing), at most 5 MiB,
// kept on disk under the evidence directory by its SHA-256 and recorded with
// its author. Append-only: a piece of evidence is never changed nor removed
// here. It is served only to the account's Admin and enforcement members.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as store from '../../store/repositories/enforcer-notices.ts';
import { DomainError } from '../errors.ts';
import { enforcerRole, newId, readId, readText, seconds, type EnforcerActor, type EnforcerDeps } from './common.ts';
import { resolveNotice } from './notices.ts';

export const maxEvidenceBytes = 5 * 1024 * 1024;
export const evidenceTypes = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type EvidenceType = (typeof evidenceTypes)[number];

const signatures: [EvidenceType, number[]][] = [
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
];

/** The type the bytes are, by their magic number; null for anything else. */
export function sniffEvidenceType(data: Uint8Array): EvidenceType | null {
  return signatures.find(([, magic]) => magic.every((byte, index) => data[index] === byte))?.[0] ?? null;
}

export interface Evidence {
  id: string;
  noticeId: string;
  contentType: EvidenceType;
  filename: string;
  size: number;
  sha256: string;
  personId: string;
  at: number;
}

function fileOf(deps: EnforcerDeps, accountId: string, sha256: string): string {
  return join(deps.evidenceDir, accountId, sha256);
}

/** Adds a file to a notice; too large 413 (too_large), not a JPEG, PNG or PDF 400. */
export async function addEvidence(deps: EnforcerDeps, actor: EnforcerActor, reference: string, file: { data: Buffer; filename?: string }): Promise<Evidence> {
  await enforcerRole(deps.db, actor);
  const notice = await resolveNotice(deps.db, actor.accountId, reference);
  if (file.data.length > maxEvidenceBytes) throw new DomainError('too_large', `The file is larger than ${maxEvidenceBytes / 1024 / 1024} MiB.`);
  const contentType = sniffEvidenceType(file.data);
  if (!contentType) throw new DomainError('invalid', 'Invalid file: only JPEG and PNG photos and PDF documents are kept.');
  // A name is only shown; anything odd in it is dropped rather than refused.
  const filename = readText('filename', (file.filename ?? '').replace(/[\p{Cc}/\\]/gu, '').slice(0, 200), 200) || 'evidence';
  const sha256 = createHash('sha256').update(file.data).digest('hex');
  const path = fileOf(deps, actor.accountId, sha256);
  await mkdir(join(deps.evidenceDir, actor.accountId), { recursive: true, mode: 0o700 });
  // Written aside then renamed: a reader never sees half a file; the same bytes twice are one file.
  const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
  await writeFile(partial, file.data, { mode: 0o600 });
  await rename(partial, path);
  const row = { id: newId(), notice_id: notice.id, content_type: contentType, filename, size: file.data.length, sha256, person_id: actor.personId, at: seconds(deps.clock) };
  await store.appendEvidence(deps.db, row);
  return { id: row.id, noticeId: notice.id, contentType, filename, size: row.size, sha256, personId: actor.personId, at: row.at };
}

/** The file's bytes and kept type, for the account's Admin and enforcement members only. */
export async function readEvidence(deps: EnforcerDeps, actor: EnforcerActor, reference: string, evidenceId: string): Promise<{ contentType: EvidenceType; filename: string; data: Buffer }> {
  await enforcerRole(deps.db, actor);
  const notice = await resolveNotice(deps.db, actor.accountId, reference);
  const row = await store.findEvidence(deps.db, actor.accountId, notice.id, readId(evidenceId, 'evidence'));
  if (!row) throw new DomainError('not_found', 'No such evidence.');
  const data = await readFile(fileOf(deps, actor.accountId, row.sha256)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new DomainError('not_found', 'The evidence file is missing from the evidence directory.');
    throw error;
  });
  return { contentType: row.content_type as EvidenceType, filename: row.filename, data };
}
