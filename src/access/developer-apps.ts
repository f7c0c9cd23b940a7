// The developer console's applications (issue 11): a person's own OAuth
// clients. Every rule about credentials lives in oauth/clients.ts; this file
// adds ownership (another person's application is "not found") and the
// console's environments: production credentials wait for the platform's
// approval, development and certification work at once.
import type { Kysely } from 'kysely';
import type { ClientEnvironment, Database } from '../store/database.ts';
import * as repo from '../store/repositories/clients.ts';
import { createClient, removeClient, rotateClientSecret, updateClientDetails, type ClientRules } from '../oauth/clients.ts';
import { DomainError, FieldError } from './errors.ts';

export const environments = ['development', 'certification', 'production'] as const satisfies readonly ClientEnvironment[];

/** What the console's form sends; redirect URIs one per line. */
export interface ApplicationForm {
  name?: string;
  company?: string;
  contact_name?: string;
  contact_email?: string;
  website?: string;
  description?: string;
  redirect_uris?: string;
  environment?: string;
}

export type Application = repo.ClientRecord & { redirectUris: string[]; pending: boolean };

const present = (row: repo.ClientRecord): Application => ({ ...row, redirectUris: JSON.parse(row.redirect_uris) as string[], pending: row.approval === 'pending' });

export async function listApplications(db: Kysely<Database>, personId: string): Promise<Application[]> {
  return (await repo.clientsOfOwner(db, personId)).map(present);
}

/** The person's own application; anyone else's, or none, is not found. */
export async function ownApplication(db: Kysely<Database>, personId: string, clientId: string): Promise<Application> {
  const row = await repo.findClientOfOwner(db, personId, clientId.trim());
  if (!row) throw new DomainError('not_found', 'No such application.');
  return present(row);
}

/** Creates a confidential application; the secret is returned for the one time it is shown. */
export async function createApplication(db: Kysely<Database>, rules: ClientRules, personId: string, form: ApplicationForm) {
  const environment = readEnvironment(form.environment);
  return createClient(db, rules, {
    ...details(form),
    type: 'confidential',
    environment,
    ownerId: personId,
    pending: environment === 'production',
  });
}

export async function updateApplication(db: Kysely<Database>, rules: ClientRules, personId: string, clientId: string, form: ApplicationForm): Promise<void> {
  const application = await ownApplication(db, personId, clientId);
  await updateClientDetails(db, rules, application.client_id, details(form));
}

export async function rotateApplicationSecret(db: Kysely<Database>, personId: string, clientId: string) {
  const application = await ownApplication(db, personId, clientId);
  return rotateClientSecret(db, application.client_id);
}

export async function deleteApplication(db: Kysely<Database>, personId: string, clientId: string): Promise<Application> {
  const application = await ownApplication(db, personId, clientId);
  await removeClient(db, application.client_id);
  return application;
}

/** Redirect URIs as typed: one per line, blank lines ignored. */
export function redirectUriLines(text: string | undefined): string[] {
  return (text ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
}

function readEnvironment(value: string | undefined): ClientEnvironment {
  const environment = (environments as readonly string[]).find((name) => name === value);
  if (!environment) throw new FieldError('environment', 'Choose an environment: development, certification or production.');
  return environment as ClientEnvironment;
}

function details(form: ApplicationForm) {
  const name = form.name?.trim() ?? '';
  if (!name) throw new FieldError('name', 'Give the application a name.');
  const contactEmail = form.contact_email?.trim() ?? '';
  if (!contactEmail) throw new FieldError('contact_email', 'Give a contact email: ParqEx writes there about the application.');
  const uris = redirectUriLines(form.redirect_uris);
  if (uris.length > 10) throw new FieldError('redirect_uris', 'At most 10 redirect URIs.');
  return {
    name,
    company: form.company?.trim() ?? '',
    contactName: form.contact_name?.trim() ?? '',
    contactEmail,
    website: form.website?.trim() ?? '',
    description: form.description?.trim() ?? '',
    redirectUris: uris,
  };
}
