// Registering applications (spec 3, "Registering an application"): the rules
// for client ids, secrets and redirect URIs, over the clients repository.
import type { Kysely } from 'kysely';
import { generateSecret, hashSecret, randomDigits } from '../security/secrets.ts';
import type { ClientEnvironment, ClientType, Database } from '../store/database.ts';
import * as repo from '../store/repositories/clients.ts';
import { DomainError, FieldError } from '../access/errors.ts';

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  type?: ClientType;
  environment?: ClientEnvironment;
  firstParty?: boolean;
  description?: string;
  website?: string;
  contactName?: string;
  contactEmail?: string;
  isSandbox?: boolean;
  /** The developer console's person; none for the operator's clients. */
  ownerId?: string;
  company?: string;
  /** Production applications from the console wait for `parqex clients approve`. */
  pending?: boolean;
}

/** What a developer may change after creation: everything but the type and environment. */
export type ClientDetailsInput = Pick<ClientRegistration, 'name' | 'redirectUris' | 'description' | 'website' | 'contactName' | 'contactEmail' | 'company'>;

export interface ClientRules {
  /** The API's host name, the suffix of every generated client_id. */
  apiHost: string;
  production: boolean;
}

export interface IssuedCredentials {
  client_id: string;
  client_secret?: string;
}

const CLIENT_ID_SHAPE = /^\d{18}\.[a-z0-9.-]+$/i;
const SECRET_SHAPE = /^[\x21-\x7e]{16,256}$/;

export async function createClient(db: Kysely<Database>, rules: ClientRules, registration: ClientRegistration): Promise<IssuedCredentials> {
  const clientId = `${randomDigits(1).replace('0', '1')}${randomDigits(17)}.${rules.apiHost}`;
  const secret = (registration.type ?? 'confidential') === 'confidential' ? generateSecret() : undefined;
  await insert(db, rules, clientId, secret, registration);
  return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
}

/** Moves an existing integration here unchanged: its id and secret are taken verbatim. */
export async function importClient(db: Kysely<Database>, rules: ClientRules, clientId: string, secret: string | undefined, registration: ClientRegistration): Promise<IssuedCredentials> {
  if (!CLIENT_ID_SHAPE.test(clientId)) throw new DomainError('invalid', 'client_id must be 18 digits, a dot and a host name, such as 555555555555555555.api.parqex.com');
  const type = registration.type ?? 'confidential';
  if (type === 'confidential' && (secret === undefined || !SECRET_SHAPE.test(secret))) {
    throw new DomainError('invalid', 'a confidential client needs its client_secret: 16 to 256 printable characters without spaces');
  }
  if (type === 'public' && secret !== undefined) throw new DomainError('invalid', 'a public client has no client_secret');
  await insert(db, rules, clientId, secret, registration);
  return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
}

export async function rotateClientSecret(db: Kysely<Database>, clientId: string): Promise<IssuedCredentials> {
  const existing = await repo.findClient(db, clientId);
  if (existing?.type === 'public') throw new DomainError('invalid', `${clientId} is a public client: it has no secret to rotate`);
  const secret = generateSecret();
  if (!(await repo.updateClientSecret(db, clientId, hashSecret(secret), Math.floor(Date.now() / 1000)))) {
    throw new DomainError('not_found', `no confidential client ${clientId}`);
  }
  return { client_id: clientId, client_secret: secret };
}

export async function removeClient(db: Kysely<Database>, clientId: string): Promise<void> {
  if (!(await repo.deleteClient(db, clientId))) throw new DomainError('not_found', `no client ${clientId}`);
}

export async function describeClient(db: Kysely<Database>, clientId: string) {
  const row = await repo.findClient(db, clientId);
  return row && { ...row, redirect_uris: JSON.parse(row.redirect_uris) as string[], first_party: row.first_party === 1, is_sandbox: row.is_sandbox === 1 };
}

export async function listRegisteredClients(db: Kysely<Database>) {
  const rows = await repo.listClients(db);
  return rows.map((row) => ({ ...row, redirect_uris: JSON.parse(row.redirect_uris) as string[], first_party: row.first_party === 1, is_sandbox: row.is_sandbox === 1 }));
}

async function insert(db: Kysely<Database>, rules: ClientRules, clientId: string, secret: string | undefined, registration: ClientRegistration): Promise<void> {
  const type = registration.type ?? 'confidential';
  const details = checkedDetails(registration, type, rules);
  if (await repo.findClient(db, clientId)) throw new DomainError('invalid', `client ${clientId} already exists`);
  await repo.insertClient(db, {
    client_id: clientId,
    secret_hash: secret === undefined ? null : hashSecret(secret),
    type,
    environment: registration.environment ?? 'development',
    ...details,
    first_party: registration.firstParty ? 1 : 0,
    is_sandbox: registration.isSandbox ? 1 : 0,
    created_at: Math.floor(Date.now() / 1000),
    secret_rotated_at: null,
    owner_id: registration.ownerId ?? null,
    approval: registration.pending ? 'pending' : 'approved',
  });
}

/** Changes an application's details under the rules it was registered by. */
export async function updateClientDetails(db: Kysely<Database>, rules: ClientRules, clientId: string, input: ClientDetailsInput): Promise<void> {
  const existing = await repo.findClient(db, clientId);
  if (!existing) throw new DomainError('not_found', `no client ${clientId}`);
  await repo.updateClientDetails(db, clientId, checkedDetails(input, existing.type, rules));
}

/** Lets a pending production application complete OAuth (the platform's approval). */
export async function approveClient(db: Kysely<Database>, clientId: string): Promise<{ client_id: string; approval: 'approved' }> {
  if (!(await repo.approveClient(db, clientId, Math.floor(Date.now() / 1000)))) {
    const existing = await repo.findClient(db, clientId);
    if (!existing) throw new DomainError('not_found', `no client ${clientId}`);
    throw new DomainError('invalid', `${clientId} is approved already`);
  }
  return { client_id: clientId, approval: 'approved' };
}

function checkedDetails(registration: ClientDetailsInput, type: ClientType, rules: ClientRules): repo.ClientDetails {
  const name = registration.name?.trim();
  if (!name) throw new FieldError('name', 'an application needs a name');
  if (registration.redirectUris.length === 0) throw new FieldError('redirect_uris', 'an application needs at least one redirect URI');
  for (const uri of registration.redirectUris) {
    const problem = redirectUriProblem(uri, type, rules.production);
    if (problem) throw new FieldError('redirect_uris', `redirect URI ${JSON.stringify(uri)}: ${problem}`);
  }
  if (registration.website && !isHttpUrl(registration.website)) throw new FieldError('website', 'website must be an http(s) URL');
  if (registration.contactEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(registration.contactEmail)) throw new FieldError('contact_email', 'contact email is not an email address');
  return {
    name,
    company: registration.company?.trim() ?? '',
    description: registration.description ?? '',
    website: registration.website ?? '',
    contact_name: registration.contactName ?? '',
    contact_email: registration.contactEmail ?? '',
    redirect_uris: JSON.stringify([...new Set(registration.redirectUris)]),
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);

/** Production: https, except loopback and (for native apps) custom schemes. RFC 8252, RFC 9700 section 4.1. */
function redirectUriProblem(uri: string, type: ClientType, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash || uri.includes('#')) return 'must not contain a fragment';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `the ${url.protocol} scheme is not allowed`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (!production || LOOPBACK_HOSTS.has(url.hostname)) return undefined;
    return 'must use https (http is allowed only for loopback addresses)';
  }
  if (type === 'public') return undefined; // a native app's private-use scheme, e.g. com.example.app:/oauth
  return 'custom schemes are for public (native) clients; register a public client or use https';
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
