import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  password_hash: string;
  role: Generated<string>;
  name: string | null;
  created_at: Timestamp;
}

export interface InvitationsTable {
  id: Generated<string>;
  organisation_id: string;
  role: string;
  email: string | null;
  token_hash: string;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_user_id: string | null;
  revoked_at: Timestamp | null;
}

export interface AuditEventsTable {
  id: Generated<string>;
  organisation_id: string;
  actor_user_id: string | null;
  actor_email: string;
  action: string;
  target_type: string;
  target_id: string | null;
  target_label: string | null;
  before: ColumnType<unknown, string | null, never> | null;
  after: ColumnType<unknown, string | null, never> | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface PlatformConfigsTable {
  organisation_id: string;
  platform: string;
  api_url: string;
  api_key_ciphertext: string;
  api_key_hint: string;
  /** Migration 0021: null = api_key_ciphertext holds a bare API key (a row from before). */
  credential_values: ColumnType<unknown, string | null, string | null> | null;
  last_test: ColumnType<unknown, string | null, string | null> | null;
  last_tested_at: Timestamp | null;
  updated_at: Timestamp;
}

type Json = ColumnType<unknown, string, string>;
type Count = ColumnType<number, number | undefined, number>;

export interface ConnectionsTable {
  id: Generated<string>;
  contract_name: string;
  creator_organisation_id: string;
  source_organisation_id: string | null;
  target_organisation_id: string | null;
  status: Generated<string>;
  sync_state: Generated<string>;
  automatic_sync: Generated<boolean>;
  verification_code_hash: string | null;
  code_expires_at: Timestamp;
  mappings: Json;
  created_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ConnectionSidesTable {
  connection_id: string;
  side: string;
  organisation_id: string;
  configuration: Json;
  api_override_url: string | null;
  api_override_key_ciphertext: string | null;
  api_override_key_hint: string | null;
  api_override_credential_values: ColumnType<unknown, string | null, string | null> | null;
  cursor_at: Timestamp | null;
  /** The change feed's opaque cursor (0024); null: none saved yet, `cursor_at` stands in as a time cursor. */
  cursor: string | null;
  updated_at: Timestamp;
  webhook_token_hash: string | null;
  webhook_token_ciphertext: string | null;
  webhook_secret_ciphertext: string | null;
  webhook_last_event_at: Timestamp | null;
  webhook_last_event_accepted: boolean | null;
  webhook_last_event_reason: string | null;
}

export interface SyncRunsTable {
  id: Generated<string>;
  connection_id: string;
  trigger: string;
  status: Generated<string>;
  since: Timestamp | null;
  requested_by: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  created_count: Count;
  updated_count: Count;
  closed_count: Count;
  failed_count: Count;
  error: string | null;
  worker: string | null;
  heartbeat_at: Timestamp | null;
  waiting_until: Timestamp | null;
  waiting_reason: string | null;
  /** Live progress (0005): the engine's current phase and ticket counts, written throttled while it runs. */
  phase: string | null;
  tickets_seen: Count;
  tickets_done: Count;
  /** A failed run's side at fault and the kind of failure (0019), when the engine knows them. */
  failure_side: string | null;
  failure_kind: string | null;
  /** Progress by step (0020, db/repositories/run-steps.ts); null for runs of older versions. */
  progress_steps: ColumnType<unknown, string | null | undefined, string | null> | null;
}

export interface SyncHintsTable {
  connection_id: string;
  side: string;
  ticket_id: string;
  created_at: Timestamp;
  /** The webhook reported the ticket deleted (0026); still confirmed by the engine's read. */
  deleted: Generated<boolean>;
}

export interface RateAccountsTable {
  account: string;
  limit_total: number | null;
  observed_remaining: number | null;
  observed_at: Timestamp | null;
}

export interface RateReservationsTable {
  id: Generated<string>;
  account: string;
  at: Timestamp;
  credits: number;
  /** The request's rate-limit class (a platform sub-limit), if it has one. */
  op: string | null;
  /** Kept at least until then: its platform's longest window needs it (null: rows from before 0027). */
  keep_until: Timestamp | null;
}

/** A request in flight on a platform account whose model caps them; gone when released or expired. */
export interface RateLeasesTable {
  id: Generated<string>;
  account: string;
  /** After the request's timeout and a margin: a crashed worker's lease stops counting then. */
  expires_at: Timestamp;
}

export interface SyncRunDetailsTable {
  id: Generated<string>;
  run_id: string;
  origin_side: string;
  source_ticket_id: string | null;
  target_ticket_id: string | null;
  outcome: string;
  error: string | null;
  failed_comments: Count;
  failed_attachments: Count;
  /** A failure before the side's filters admitted the ticket: shown to its own organisation only (0013). */
  owner_only: Generated<boolean>;
  created_at: Timestamp;
  /** The ticket's subject, plain and clipped (0017); null when it was never read. */
  subject: string | null;
}

export interface TicketLinksTable {
  id: Generated<string>;
  connection_id: string;
  origin_side: string;
  source_ticket_id: string;
  target_ticket_id: string;
  source_snapshot: Json;
  target_snapshot: Json;
  source_written_at: string | null;
  target_written_at: string | null;
  closure_blocked: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CreateIntentsTable {
  id: Generated<string>;
  connection_id: string;
  origin_side: string;
  origin_ticket_id: string;
  marker: string;
  created_at: Timestamp;
}

export interface CommentLedgerTable {
  id: Generated<string>;
  link_id: string;
  origin_side: string;
  origin_comment_id: string;
  copy_comment_id: string | null;
  marker: string;
  created_at: Timestamp;
}

export interface AttachmentLedgerTable {
  link_id: string;
  origin_side: string;
  origin_attachment_id: string;
  copy_attachment_id: string | null;
  created_at: Timestamp;
}

export interface SyncRetriesTable {
  connection_id: string;
  side: string;
  ticket_id: string;
  attempts: Count;
  last_error: string | null;
  updated_at: Timestamp;
  /** When the ticket first failed (0005); `updated_at` is its latest attempt. */
  created_at: Timestamp;
}

/** One step the engine took for a ticket (0007): the ticket timeline. */
export interface TicketEventsTable {
  id: Generated<string>;
  connection_id: string;
  run_id: string | null;
  /** The side of the ticket the engine was working; `linked_ticket_id` is its counterpart on the other side. */
  side: string;
  ticket_id: string;
  linked_ticket_id: string | null;
  kind: string;
  summary: string;
  requests: Json;
  /** On the last event of a ticket's pass: the run's outcome for it (created, updated, closed, failed, unchanged). */
  outcome: string | null;
  created_at: Timestamp;
  /** The worked ticket's subject, plain and clipped (0017). */
  subject: string | null;
}

/** A throttle's counter (0008): attempts since the counter last reset, and an attempt being checked right now. */
export interface AuthThrottlesTable {
  key: string;
  attempts: number;
  window_start: Timestamp;
  last_at: Timestamp;
  in_flight_until: Timestamp | null;
}

/** A one-time sign-up link for a new organisation (0008, SF_SIGNUP=invite). */
export interface ChangeProposalsTable {
  id: Generated<string>;
  connection_id: string;
  kind: string;
  proposer_side: string;
  proposer_organisation_id: string;
  proposer_user_id: string | null;
  proposer_email: string;
  approver_side: string;
  base: ColumnType<unknown, string, never>;
  proposed: ColumnType<unknown, string, never>;
  writes: ColumnType<unknown, string, never>;
  status: Generated<string>;
  replaces: string | null;
  created_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by_user_id: string | null;
  decided_by_email: string | null;
}

export interface SignupLinksTable {
  id: Generated<string>;
  organisation_id: string;
  token_hash: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  used_organisation_id: string | null;
}

/** A per-user API token (0009): the secret itself is never stored, only its SHA-256. */
export interface ApiTokensTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string;
  name: string;
  role: string;
  token_hash: string;
  /** The first characters of the secret (prefix + 4), so a person can tell their tokens apart. */
  hint: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** A credential (fingerprint of host + key) that passed Test Connection for an organisation (0011). */
export interface TestedCredentialsTable {
  organisation_id: string;
  fingerprint: string;
  tested_at: Timestamp;
}

/** Where an organisation hears about failing and recovering connections (0018); secrets sealed in one JSON value. */
export interface NotificationChannelsTable {
  id: string;
  organisation_id: string;
  kind: string;
  name: string;
  enabled: Generated<boolean>;
  settings: Json;
  secret_ciphertext: string;
  secret_hint: string;
  last_delivery_at: Timestamp | null;
  last_delivery_ok: boolean | null;
  last_delivery_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The failure episode a connection is in, as last notified (0018): transitions are claimed by a conditional write. */
export interface ConnectionAlertStatesTable {
  connection_id: string;
  state: string;
  run_id: string | null;
  changed_at: Timestamp;
}

export interface OAuthStatesTable {
  state_hash: string;
  organisation_id: string;
  user_id: string;
  platform: string;
  code_verifier: string | null;
  redirect_uri: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface FieldCacheTable {
  connection_id: string;
  side: string;
  source: string;
  fields: ColumnType<unknown, string, string>;
  fetched_at: Timestamp;
}

export interface Database {
  connections: ConnectionsTable;
  connection_sides: ConnectionSidesTable;
  sync_runs: SyncRunsTable;
  sync_run_details: SyncRunDetailsTable;
  ticket_links: TicketLinksTable;
  create_intents: CreateIntentsTable;
  comment_ledger: CommentLedgerTable;
  attachment_ledger: AttachmentLedgerTable;
  sync_retries: SyncRetriesTable;
  sync_hints: SyncHintsTable;
  rate_accounts: RateAccountsTable;
  rate_reservations: RateReservationsTable;
  rate_leases: RateLeasesTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  platform_configs: PlatformConfigsTable;
  invitations: InvitationsTable;
  audit_events: AuditEventsTable;
  ticket_events: TicketEventsTable;
  tested_credentials: TestedCredentialsTable;
  auth_throttles: AuthThrottlesTable;
  signup_links: SignupLinksTable;
  api_tokens: ApiTokensTable;
  change_proposals: ChangeProposalsTable;
  notification_channels: NotificationChannelsTable;
  connection_alert_states: ConnectionAlertStatesTable;
  oauth_states: OAuthStatesTable;
  field_cache: FieldCacheTable;
}
