// The testing accounts of spec 6: known people, accounts and applications so
// an integrator can run the whole flow on day one. Idempotent; never in production.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { hashPassword } from '../security/passwords.ts';
import { addMemberIfAbsent, insertAccountIfAbsent } from '../store/repositories/accounts.ts';
import { countSandboxClients } from '../store/repositories/clients.ts';
import { countSandboxPeople, insertPersonIfAbsent } from '../store/repositories/people.ts';
import { describeClient, importClient, type ClientRules } from '../oauth/clients.ts';

export const sandboxPassword = 'parqex-sandbox';

export const sandboxPeople = {
  alex: { id: '5a0d0000-0000-4000-8000-000000000001', email: 'alex.admin@sandbox.parqex.test', first_name: 'Alex', last_name: 'Admin' },
  sam: { id: '5a0d0000-0000-4000-8000-000000000002', email: 'sam.user@sandbox.parqex.test', first_name: 'Sam', last_name: 'User' },
  nora: { id: '5a0d0000-0000-4000-8000-000000000003', email: 'nora.neighbor@sandbox.parqex.test', first_name: 'Nora', last_name: 'Neighbor' },
} as const;

export const sandboxAccounts = {
  residence: { id: '5a0d0000-0000-4000-8000-0000000000a1', name: 'Sandbox Residence' },
  neighbor: { id: '5a0d0000-0000-4000-8000-0000000000a2', name: 'Neighbor House' },
} as const;

export const sandboxRedirectUris = [
  'http://localhost:8080/callback',
  'http://127.0.0.1:8080/callback',
  'https://oauth.pstmn.io/v1/callback',
];

export function sandboxClients(apiHost: string) {
  return {
    web: {
      client_id: `100000000000000001.${apiHost}`,
      client_secret: 'parqex-sandbox-client-secret-0001',
    },
    native: {
      client_id: `100000000000000002.${apiHost}`,
      redirect_uris: ['com.parqex.sandbox:/oauth', 'http://127.0.0.1/callback'],
    },
  };
}

export async function seedSandbox(db: Kysely<Database>, rules: ClientRules): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const passwordHash = await hashPassword(sandboxPassword);
  for (const person of Object.values(sandboxPeople)) {
    await insertPersonIfAbsent(db, { ...person, phone: null, password_hash: passwordHash, is_sandbox: 1, created_at: now });
  }
  for (const account of Object.values(sandboxAccounts)) {
    await insertAccountIfAbsent(db, { ...account, is_sandbox: 1, created_at: now });
  }
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.residence.id, person_id: sandboxPeople.alex.id, role: 'admin', created_at: now });
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.residence.id, person_id: sandboxPeople.sam.id, role: 'user', created_at: now });
  await addMemberIfAbsent(db, { account_id: sandboxAccounts.neighbor.id, person_id: sandboxPeople.nora.id, role: 'admin', created_at: now });

  const clients = sandboxClients(rules.apiHost);
  if (!(await describeClient(db, clients.web.client_id))) {
    await importClient(db, rules, clients.web.client_id, clients.web.client_secret, {
      name: 'Sandbox Smart Home',
      description: 'The sandbox application: use its credentials to try the OAuth flow and the API.',
      website: 'https://developers.parqex.test/sandbox',
      contactName: 'ParqEx Developer Support',
      contactEmail: 'developers@sandbox.parqex.test',
      redirectUris: sandboxRedirectUris,
      environment: 'development',
      isSandbox: true,
    });
  }
  if (!(await describeClient(db, clients.native.client_id))) {
    await importClient(db, rules, clients.native.client_id, undefined, {
      name: 'Sandbox Mobile App',
      description: 'A public (native) sandbox client: PKCE, custom-scheme and loopback redirects.',
      redirectUris: clients.native.redirect_uris,
      type: 'public',
      environment: 'development',
      isSandbox: true,
    });
  }
}

/** Production refuses to start on a database that holds the sandbox's public passwords. */
export async function sandboxPresence(db: Kysely<Database>): Promise<{ people: number; clients: number }> {
  return { people: await countSandboxPeople(db), clients: await countSandboxClients(db) };
}
