// Table types. Booleans are 0/1 integers and times are Unix epoch numbers on
// both engines, so every repository reads the same shapes from either.
import type { Insertable, Selectable } from 'kysely';

export interface Database {
  people: PeopleTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  clients: ClientsTable;
  oauth_models: OAuthModelsTable;
  refresh_rotations: RefreshRotationsTable;
  login_failures: LoginFailuresTable;
  web_sessions: WebSessionsTable;
}

export interface PeopleTable {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  password_hash: string | null;
  is_sandbox: number;
  created_at: number;
}

export interface AccountsTable {
  id: string;
  name: string;
  third_party_access: number;
  is_sandbox: number;
  created_at: number;
}

export type Role = 'admin' | 'user';

export interface AccountMembersTable {
  account_id: string;
  person_id: string;
  role: Role;
  created_at: number;
}

export type ClientType = 'confidential' | 'public';
export type ClientEnvironment = 'development' | 'certification' | 'production';

export interface ClientsTable {
  client_id: string;
  secret_hash: string | null;
  type: ClientType;
  environment: ClientEnvironment;
  name: string;
  description: string;
  website: string;
  contact_name: string;
  contact_email: string;
  redirect_uris: string;
  first_party: number;
  is_sandbox: number;
  created_at: number;
  secret_rotated_at: number | null;
}

/** oidc-provider's models (codes, tokens, grants, sessions, interactions). */
export interface OAuthModelsTable {
  model: string;
  /** SHA-256 of the model id: a stolen table holds no usable token. */
  id_hash: string;
  /** Sealed (AES-GCM) JSON payload. */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface RefreshRotationsTable {
  token_hash: string;
  client_id: string;
  credentials_hash: string;
  /** Sealed response (status and body) once the first request finished; null while it runs. */
  response: string | null;
  created_at: number;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  window_started_at: number;
  locked_until: number | null;
}

export interface WebSessionsTable {
  id_hash: string;
  person_id: string;
  created_at: number;
  expires_at: number;
}

export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type Account = Selectable<AccountsTable>;
export type ClientRow = Selectable<ClientsTable>;
export type NewClient = Insertable<ClientsTable>;
