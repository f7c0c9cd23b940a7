// Table types. Booleans are 0/1 integers and times are Unix epoch numbers on
// both engines, so every repository reads the same shapes from either.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface Database {
  people: PeopleTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  clients: ClientsTable;
  oauth_models: OAuthModelsTable;
  refresh_rotations: RefreshRotationsTable;
  login_failures: LoginFailuresTable;
  web_sessions: WebSessionsTable;
  devices: DevicesTable;
  doors: DoorsTable;
  door_names: DoorNamesTable;
  door_access: DoorAccessTable;
  person_settings: PersonSettingsTable;
  pin_claims: PinClaimsTable;
  vehicles: VehiclesTable;
  lpr_exclusions: LprExclusionsTable;
  lpr_readers: LprReadersTable;
  plate_reads: PlateReadsTable;
  plate_lookups: PlateLookupsTable;
  allowances: AllowancesTable;
  watchlist: WatchlistTable;
  notice_counters: NoticeCountersTable;
  notices: NoticesTable;
  notice_status_log: NoticeStatusLogTable;
  notice_remarks: NoticeRemarksTable;
  notice_evidence: NoticeEvidenceTable;
  enforcement_alerts: EnforcementAlertsTable;
  authorizations: AuthorizationsTable;
  authorization_doors: AuthorizationDoorsTable;
  invitations: InvitationsTable;
  access_events: AccessEventsTable;
  mail: MailTable;
  door_commands: DoorCommandsTable;
  outbox_events: OutboxEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_records: IdempotencyRecordsTable;
  mail_links: MailLinksTable;
  guest_passes: GuestPassesTable;
  guest_pass_doors: GuestPassDoorsTable;
  unit_links: UnitLinksTable;
  unit_link_doors: UnitLinkDoorsTable;
}

export type GuestPassKind = 'window' | 'recurring' | 'one_time';
/** What people decided; scheduled, active, expired and used follow from the clock. */
export type GuestPassState = 'pending' | 'issued' | 'revoked' | 'declined';

export interface GuestPassesTable {
  id: string;
  account_id: string;
  issuer_id: string;
  unit_link_id: string | null;
  guest_name: string;
  guest_email: string | null;
  guest_phone: string | null;
  kind: GuestPassKind;
  /** Epoch seconds. */
  starts_at: number;
  ends_at: number;
  /** JSON WeeklyHours in the account's zone (recurring only). */
  weekly_hours: string | null;
  plate: string | null;
  plate_key: string | null;
  region: string | null;
  token_sealed: string;
  token_hash: string;
  pin_sealed: string | null;
  pin_lookup: string | null;
  state: GuestPassState;
  uses: Generated<number>;
  first_used_at: number | null;
  arrival_mailed_at: number | null;
  reminder_sent_at: number | null;
  /** Epoch seconds: when the overstay job looked at the ended pass. */
  overstay_checked_at: number | null;
  pin_mail_due: Generated<number>;
  note: Generated<string>;
  revoked_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface GuestPassDoorsTable {
  guest_pass_id: string;
  door_id: string;
}

export interface UnitLinksTable {
  id: string;
  account_id: string;
  owner_id: string;
  label: string;
  token_sealed: string;
  token_hash: string;
  max_hours: Generated<number>;
  auto_approve: Generated<number>;
  active: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface UnitLinkDoorsTable {
  unit_link_id: string;
  door_id: string;
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
  /** IANA name: access hours and invitation windows of the account's doors are read in it. */
  time_zone: string;
  /** How many of each member's vehicles the plate readers admit, in adding order; null: all. */
  lpr_vehicle_cap: Generated<number | null>;
  guest_users_may_issue: Generated<number>;
  guest_max_active_per_issuer: Generated<number>;
  guest_max_days: Generated<number>;
  guest_max_recurring_days: Generated<number>;
  guest_pin_length: Generated<number>;
}

export type Role = 'admin' | 'user';

export interface AccountMembersTable {
  account_id: string;
  person_id: string;
  role: Role;
  /** A User allowed to give time-boxed guest access to their doors (GuestAccess). */
  can_share: Generated<number>;
  /** May issue guest passes (phase2.md A.7, `guests`). */
  can_issue_guests: Generated<number>;
  /** May enforce: allowances, watchlist, notices (phase2.md A.7, `enforcement`). */
  can_enforce: Generated<number>;
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
  /** The person who made it in the developer console; null: the operator's (command line, sandbox). */
  owner_id: Generated<string | null>;
  company: Generated<string>;
  /** Production applications from the console wait for `parqex clients approve`; nothing else does. */
  approval: Generated<ClientApproval>;
  approved_at: Generated<number | null>;
}

export type ClientApproval = 'pending' | 'approved';

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
  /** Attempts held and not yet checked (repositories/login-failures.ts). */
  in_flight: Generated<number>;
  window_started_at: number;
  locked_until: number | null;
}

export interface WebSessionsTable {
  id_hash: string;
  person_id: string;
  created_at: number;
  expires_at: number;
}

/** A mailed single-use link (0014): sign-up, password reset, email change; only the token's hash. */
export interface MailLinksTable {
  token_hash: string;
  purpose: MailLinkPurpose;
  email: string;
  person_id: string | null;
  next_path: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export type MailLinkPurpose = 'sign_up' | 'password_reset' | 'email_change';

export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type Account = Selectable<AccountsTable>;
export type ClientRow = Selectable<ClientsTable>;
export type NewClient = Insertable<ClientsTable>;

export interface DevicesTable {
  id: string;
  account_id: string | null;
  blackbox_code: string;
  claim_code_hash: string;
  number_of_entities_controlled: number;
  active: number;
  last_contact: number | null;
  software_version: string;
  time_before_door_open_alert: number;
  bluetooth_onboard: number;
  bluetooth_mac_address: string;
  is_sandbox: number;
  created_at: number;
  secret_hash: string | null;
  online: Generated<number>;
  /** The device protocol its reports speak ("1.0", "1.1"); null before its first report. */
  protocol: Generated<string | null>;
  /** The Admin's name for the controller; null until named. */
  name: Generated<string | null>;
}

export type DoorKind = 'momentary' | 'stateful';
export type DoorType = 'garage' | 'gate' | 'pedestrian' | 'elevator';
export type DoorState = 'OPEN' | 'CLOSED';

export interface DoorsTable {
  id: string;
  device_id: string;
  entity_number: number;
  name: string;
  kind: DoorKind;
  door_type: DoorType;
  state: DoorState;
  last_toggled: number | null;
  active: number;
  auto_close_enabled: number;
  auto_close_delay: number;
  sensor: number;
  sensor_mac_address: string;
  sensor_battery_level: number;
  created_at: number;
  /** The `last_toggled` of the opening already announced as left open; null until one is. */
  open_alert_for: Generated<number | null>;
}

export interface DoorNamesTable {
  person_id: string;
  door_id: string;
  name: string;
}

export interface DoorAccessTable {
  door_id: string;
  person_id: string;
  granted_by: string | null;
  starts_at: number | null;
  ends_at: number | null;
  /** JSON WeeklyHours, in the person's time zone; null: any time. */
  weekly_hours: string | null;
  created_at: number;
}

export interface PersonSettingsTable {
  person_id: string;
  notifications_enabled: number;
  notification_tone: string;
  time_zone: string;
  pin_sealed: string | null;
  /** Keyed hash of the PIN, for uniqueness checks and keypad look-ups. */
  pin_lookup: string | null;
  share_pin_with_apps: number;
}

/** Which member a keypad PIN opens for at an account: one holder per PIN and account. */
export interface PinClaimsTable {
  account_id: string;
  /** The keyed hash of person_settings.pin_lookup. */
  pin_lookup: string;
  person_id: string;
  /** Set when the claim is a guest pass's PIN, held under its issuer's membership. */
  guest_pass_id?: string | null;
}

export interface VehiclesTable {
  id: string;
  person_id: string;
  /** Already the plate key (phase2.md section 0): folded, so equal plates are equal strings. */
  plate: string;
  /** Lower-case ISO 3166-2 or alpha-2 code; '' when not known (the API's null). */
  region: string;
  make: string;
  model: string;
  color: string;
  created_at: number;
}

export interface LprExclusionsTable {
  account_id: string;
  plate_key: string;
  person_id: string | null;
  reason: string;
  created_by: string | null;
  created_at: number;
}

export type ReaderDirection = 'entry' | 'exit' | 'both';

export interface LprReadersTable {
  device_id: string;
  entity_number: number;
  /** null: the door at the reader's entity. */
  door_id: string | null;
  direction: ReaderDirection;
  min_confidence: number;
  repeat_window_s: number;
  enabled: number;
  updated_at: number;
}

export type ReadDecision = 'granted' | 'refused' | 'low_confidence' | 'repeat' | 'unreadable';
export type ReadBasis = 'member' | 'guest_pass' | 'allowance' | 'booking' | 'stay';

export interface PlateReadsTable {
  /** 32 lower-case hex. */
  id: string;
  account_id: string;
  device_id: string;
  entity_number: number;
  door_id: string | null;
  read_id: string | null;
  /** As the reader sent it (at most 64 characters kept). */
  plate: string;
  /** null when the plate does not fold to a plate key (unreadable). */
  plate_key: string | null;
  region: string | null;
  confidence: number;
  /** JSON: [{plate, confidence}], at most 5. */
  candidates: string;
  direction: 'entry' | 'exit';
  decision: ReadDecision;
  /** Why a read was refused: 'unknown plate', 'outside hours', 'not started', 'ended', 'excluded', 'over vehicle cap'. */
  reason: string | null;
  basis: ReadBasis | null;
  basis_id: string | null;
  person_id: string | null;
  /** The door command a granted read started, when one was started. */
  toggle_id: string | null;
  /** JSON: plate keys of the account's vehicles equal after the look-alike fold. */
  near_matches: string;
  /** Unix seconds. */
  occurred_at: number;
  received_at: number;
}

export interface PlateLookupsTable {
  id: string;
  account_id: string;
  person_id: string | null;
  client_id: string | null;
  plate_key: string;
  purpose: string;
  at: number;
}

// Enforcer (phase2.md C). Times are Unix seconds.
export type AllowanceCategory = 'resident' | 'employee' | 'vendor' | 'guest' | 'service' | 'other';

export interface AllowancesTable {
  id: string;
  account_id: string;
  property_id: string | null;
  plate_key: string;
  region: string | null;
  category: AllowanceCategory;
  holder_name: string;
  unit: string;
  note: string;
  starts_at: number;
  /** null: ongoing. */
  ends_at: number | null;
  /** JSON array of door ids. */
  admit_door_ids: string;
  created_by: string | null;
  created_at: number;
}

export interface WatchlistTable {
  id: string;
  account_id: string;
  plate_key: string;
  note: string;
  created_by: string | null;
  created_at: number;
}

export interface NoticeCountersTable {
  account_id: string;
  last_number: number;
}

export type NoticeKind = 'warning' | 'violation' | 'tow_authorization';

export interface NoticesTable {
  id: string;
  account_id: string;
  property_id: string | null;
  number: number;
  kind: NoticeKind;
  plate_key: string;
  region: string | null;
  make: string;
  model: string;
  color: string;
  location: string;
  description: string;
  observed_at: number;
  issued_by: string | null;
  status: string;
  amount: number | null;
  alert_id: string | null;
  override_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** Append-only (a trigger refuses UPDATE and DELETE), as are notice_remarks and notice_evidence. */
export interface NoticeStatusLogTable {
  id: string;
  notice_id: string;
  status: string;
  previous_status: string | null;
  note: string;
  person_id: string | null;
  at: number;
}

export interface NoticeRemarksTable {
  id: string;
  notice_id: string;
  text: string;
  person_id: string | null;
  at: number;
}

export interface NoticeEvidenceTable {
  id: string;
  notice_id: string;
  /** Sniffed from the bytes: image/jpeg, image/png or application/pdf. */
  content_type: string;
  filename: string;
  size: number;
  /** Hex; also the file's name in the evidence directory. */
  sha256: string;
  person_id: string | null;
  at: number;
}

export type AlertTrigger = 'unauthorized_vehicle' | 'watchlist_hit' | 'wrong_pin' | 'forced_open' | 'overstay';
export type AlertState = 'open' | 'accepted' | 'rejected';

export interface EnforcementAlertsTable {
  id: string;
  account_id: string;
  trigger: AlertTrigger;
  door_id: string | null;
  plate_key: string | null;
  /** The plate read that opened it, when one did. */
  read_id: string | null;
  state: AlertState;
  occurrences: number;
  opened_at: number;
  last_at: number;
  resolved_by: string | null;
  resolved_at: number | null;
  reason: string | null;
  note: string;
  notice_id: string | null;
}

export interface AuthorizationsTable {
  grant_id: string;
  person_id: string;
  client_id: string;
  scopes: string;
  /** 1: every door the person may use, now and later; 0: exactly authorization_doors. */
  all_doors: number;
  created_at: number;
  last_used_at: number | null;
}

export interface AuthorizationDoorsTable {
  grant_id: string;
  door_id: string;
}

export interface InvitationsTable {
  id: string;
  token_hash: string;
  email: string;
  invited_by: string;
  door_ids: string;
  starts_at: number | null;
  ends_at: number | null;
  weekly_hours: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
}

export interface AccessEventsTable {
  id: string;
  door_id: string;
  device_id: string;
  person_id: string | null;
  channel: string;
  door_state: DoorState;
  was_success: number;
  occurred_at: number;
  guest_pass_id?: string | null;
  booking_id?: string | null;
}

export interface MailTable {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  created_at: number;
}

export type CommandStatus = 'pending' | 'succeeded' | 'failed';
/** How far a door move got: sent, answered ok, seen done by the controller; or failed (refused, jammed, never reported), or expired (no answer). */
export type MoveState = 'requested' | 'acknowledged' | 'reported' | 'failed' | 'expired';

export interface DoorCommandsTable {
  /** Also the toggle_id (32 upper-case hex) and the MQTT command_id. */
  id: string;
  door_id: string;
  device_id: string;
  entity_number: number;
  person_id: string | null;
  client_id: string | null;
  channel: string;
  requested_state: DoorState;
  status: CommandStatus;
  reason: string | null;
  idempotency_key: string | null;
  /** Unix milliseconds. */
  created_at: number;
  expires_at: number;
  /** When the controller's answer (or its silence) was recorded; null before, even once a report settled the move. */
  finished_at: number | null;
  move: Generated<MoveState>;
  /** Unix milliseconds: an acknowledged move not reported by then failed. */
  travel_deadline: Generated<number | null>;
}

export interface OutboxEventsTable {
  /** 32 upper-case hex. */
  id: string;
  type: string;
  category: string;
  door_id: string | null;
  device_id: string | null;
  /** JSON list of the people the event concerns; null: everyone who can see the door. */
  person_ids: string | null;
  /** JSON: the type's own fields. */
  data: string;
  occurred_at: number;
  /** The account a Phase 2 event concerns (its third-party switch applies at fan-out); null for Phase 1 events. */
  account_id: Generated<string | null>;
  /** Recording order: microseconds, strictly increasing within a process. */
  seq: number;
  fanned_out_at: number | null;
}

export interface WebhookEndpointsTable {
  id: string;
  client_id: string;
  url: string;
  /** JSON list of event names, categories, or "*". */
  event_types: string;
  api_key_sealed: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_until: number | null;
  enabled: number;
  disabled_reason: string | null;
  /** Unix seconds of the first failure since the last success. */
  failing_since: number | null;
  created_at: number;
  /** Unix ms: the process named by lease_holder is delivering to it until then. */
  leased_until: number | null;
  lease_holder: string | null;
}

export interface WebhookDeliveriesTable {
  /** 32 upper-case hex: the body's `id` and the `webhook-id` header. */
  id: string;
  event_id: string;
  endpoint_id: string;
  person_id: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  /** Unix milliseconds. */
  next_attempt_at: number;
  /** The event's `seq`: an endpoint's deliveries leave in this order. */
  event_seq: number;
  created_at: number;
  delivered_at: number | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: number;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

/** One Idempotency-Key's request and, once answered, its answer (phase2.md A.6). */
export interface IdempotencyRecordsTable {
  /** sha256 of client, person and key. */
  key_hash: string;
  /** Method and route pattern. */
  route: string;
  /** sha256 of method, path and the canonical JSON body. */
  request_hash: string;
  state: 'running' | 'done';
  status: number | null;
  /** The answer's body, sealed (it may carry secrets shown once). */
  body_sealed: string | null;
  /** Unix seconds. */
  created_at: number;
  /** Unix seconds: running, when it may be taken over; done, when it is no longer replayed. */
  expires_at: number;
}
