import { sql, type Kysely } from 'kysely';
import { VERSION } from '../version.ts';
import { DatabaseNewerThanBinary, newestVersion } from './newer-database.ts';

/** Append-only: a migration, once released, is never edited; add a new one instead. */
export const migrations: ReadonlyArray<{ id: string; sql: string }> = [
  {
    id: '0001_organisations_users_platform',
    sql: `
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'admin',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE platform_configs (
        organisation_id uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
        platform text NOT NULL,
        api_url text NOT NULL,
        api_key_ciphertext text NOT NULL,
        api_key_hint text NOT NULL,
        last_test jsonb,
        last_tested_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: '0002_connections_sync',
    sql: `
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_name text NOT NULL,
        creator_organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        source_organisation_id uuid REFERENCES organisations(id) ON DELETE CASCADE,
        target_organisation_id uuid REFERENCES organisations(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending',
        sync_state text NOT NULL DEFAULT 'initial_sync_required',
        automatic_sync boolean NOT NULL DEFAULT false,
        verification_code_hash text UNIQUE,
        code_expires_at timestamptz NOT NULL,
        mappings jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        revoked_at timestamptz
      );
      CREATE TABLE connection_sides (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        side text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        configuration jsonb NOT NULL,
        api_override_url text,
        api_override_key_ciphertext text,
        api_override_key_hint text,
        cursor_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, side)
      );
      CREATE INDEX connection_sides_org ON connection_sides (organisation_id);
      CREATE TABLE sync_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        trigger text NOT NULL,
        status text NOT NULL DEFAULT 'running',
        since timestamptz,
        requested_by uuid,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        created_count integer NOT NULL DEFAULT 0,
        updated_count integer NOT NULL DEFAULT 0,
        closed_count integer NOT NULL DEFAULT 0,
        failed_count integer NOT NULL DEFAULT 0,
        error text
      );
      CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (connection_id) WHERE status = 'running';
      CREATE INDEX sync_runs_started ON sync_runs (connection_id, started_at DESC);
      CREATE TABLE sync_run_details (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
        origin_side text NOT NULL,
        source_ticket_id text,
        target_ticket_id text,
        outcome text NOT NULL,
        error text,
        failed_comments integer NOT NULL DEFAULT 0,
        failed_attachments integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sync_run_details_run ON sync_run_details (run_id, id);
      CREATE TABLE ticket_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        origin_side text NOT NULL,
        source_ticket_id text NOT NULL,
        target_ticket_id text NOT NULL,
        source_snapshot jsonb NOT NULL,
        target_snapshot jsonb NOT NULL,
        source_written_at text,
        target_written_at text,
        closure_blocked text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, source_ticket_id),
        UNIQUE (connection_id, target_ticket_id)
      );
      CREATE TABLE create_intents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        origin_side text NOT NULL,
        origin_ticket_id text NOT NULL,
        marker text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connection_id, origin_side, origin_ticket_id)
      );
      CREATE TABLE comment_ledger (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        link_id uuid NOT NULL REFERENCES ticket_links(id) ON DELETE CASCADE,
        origin_side text NOT NULL,
        origin_comment_id text NOT NULL,
        copy_comment_id text,
        marker text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (link_id, origin_side, origin_comment_id)
      );
      CREATE INDEX comment_ledger_copy ON comment_ledger (link_id, copy_comment_id);
      CREATE TABLE attachment_ledger (
        link_id uuid NOT NULL REFERENCES ticket_links(id) ON DELETE CASCADE,
        origin_side text NOT NULL,
        origin_attachment_id text NOT NULL,
        copy_attachment_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (link_id, origin_side, origin_attachment_id)
      );
      CREATE TABLE sync_retries (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        side text NOT NULL,
        ticket_id text NOT NULL,
        attempts integer NOT NULL DEFAULT 1,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, side, ticket_id)
      );
    `,
  },
  {
    id: '0003_automatic_sync_webhooks_budget',
    sql: `
      ALTER TABLE connection_sides ADD COLUMN webhook_token_hash text UNIQUE;
      ALTER TABLE connection_sides ADD COLUMN webhook_token_ciphertext text;
      ALTER TABLE sync_runs ADD COLUMN worker text;
      ALTER TABLE sync_runs ADD COLUMN heartbeat_at timestamptz;
      ALTER TABLE sync_runs ADD COLUMN waiting_until timestamptz;
      ALTER TABLE sync_runs ADD COLUMN waiting_reason text;
      CREATE TABLE sync_hints (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        side text NOT NULL,
        ticket_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, side, ticket_id)
      );
      CREATE TABLE rate_accounts (
        account text PRIMARY KEY,
        limit_total integer,
        observed_remaining integer,
        observed_at timestamptz
      );
      CREATE TABLE rate_reservations (
        id bigserial PRIMARY KEY,
        account text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        credits integer NOT NULL
      );
      CREATE INDEX rate_reservations_account_at ON rate_reservations (account, at);
    `,
  },
  {
    id: '0004_members_audit',
    sql: `
      ALTER TABLE users ADD COLUMN name text;
      ALTER TABLE users ADD CONSTRAINT users_role_known CHECK (role IN ('admin', 'member', 'viewer'));
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
        email text,
        token_hash text NOT NULL UNIQUE,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_user_id uuid,
        revoked_at timestamptz
      );
      CREATE INDEX invitations_org ON invitations (organisation_id, created_at DESC);
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        actor_user_id uuid,
        actor_email text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        target_label text,
        before jsonb,
        after jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_events_org_id ON audit_events (organisation_id, id DESC);
      -- Append-only: an event, once written, cannot be changed (removing a whole organisation still cascades).
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit events cannot be changed';
      END;
      $$;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    `,
  },
  {
    id: '0005_run_progress',
    sql: `
      ALTER TABLE sync_runs ADD COLUMN phase text;
      ALTER TABLE sync_runs ADD COLUMN tickets_seen integer NOT NULL DEFAULT 0;
      ALTER TABLE sync_runs ADD COLUMN tickets_done integer NOT NULL DEFAULT 0;
      ALTER TABLE sync_retries ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
      CREATE INDEX sync_run_details_created ON sync_run_details (created_at);
    `,
  },
  {
    id: '0006_rate_limit_classes',
    sql: `
      ALTER TABLE rate_reservations ADD COLUMN op text;
      CREATE INDEX rate_reservations_account_op_at ON rate_reservations (account, op, at) WHERE op IS NOT NULL;
    `,
  },
  {
    id: '0007_ticket_events',
    sql: `
      CREATE TABLE ticket_events (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        run_id uuid,
        side text NOT NULL CHECK (side IN ('source', 'target')),
        ticket_id text NOT NULL,
        linked_ticket_id text,
        kind text NOT NULL,
        summary text NOT NULL,
        requests jsonb NOT NULL DEFAULT '[]',
        outcome text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ticket_events_ticket ON ticket_events (connection_id, side, ticket_id, id DESC);
      CREATE INDEX ticket_events_created ON ticket_events (connection_id, created_at);
    `,
  },
  {
    id: '0008_auth_throttles',
    sql: `
      -- Log-in, sign-up, verification-code and webhook throttles, shared by every web process. The key is
      -- '<rule>:' plus a SHA-256 of the subject (e-mail, address, token), so no e-mail or address is kept.
      CREATE TABLE auth_throttles (
        key text PRIMARY KEY,
        attempts integer NOT NULL DEFAULT 0,
        window_start timestamptz NOT NULL DEFAULT now(),
        last_at timestamptz NOT NULL DEFAULT now(),
        in_flight_until timestamptz
      );
      CREATE INDEX auth_throttles_last_at ON auth_throttles (last_at);
      -- One-time links with which a partner signs up a new organisation when SF_SIGNUP=invite.
      CREATE TABLE signup_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_organisation_id uuid
      );
      CREATE INDEX signup_links_org ON signup_links (organisation_id, created_at DESC);
    `,
  },
  {
    id: '0009_api_tokens',
    sql: `
      -- Per-user API tokens for automation: only the SHA-256 of the secret is kept; a revoked row stays so
      -- the API can say "revoked" instead of "unknown". The owner's removal deletes their tokens.
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
        token_hash text NOT NULL UNIQUE,
        hint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_tokens_org ON api_tokens (organisation_id, created_at DESC);
    `,
  },
  {
    id: '0010_change_proposals',
    sql: `
      -- Changes to the shared mappings or to reverse sync that would let the engine write something new into
      -- a side, waiting for that side's admin (issue 11 item 3). The applied documents stay where the engine
      -- reads them (connections.mappings, connection_sides.configuration); this table is never read by it.
      CREATE TABLE change_proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('mappings', 'reverse_sync')),
        proposer_side text NOT NULL CHECK (proposer_side IN ('source', 'target')),
        proposer_organisation_id uuid NOT NULL,
        proposer_user_id uuid,
        proposer_email text NOT NULL,
        approver_side text NOT NULL CHECK (approver_side IN ('source', 'target')),
        base jsonb NOT NULL,
        proposed jsonb NOT NULL,
        writes jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'superseded')),
        replaces uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        decided_by_user_id uuid,
        decided_by_email text
      );
      -- One pending proposal per connection and kind: a newer one replaces (supersedes) the older.
      CREATE UNIQUE INDEX change_proposals_one_pending ON change_proposals (connection_id, kind) WHERE status = 'pending';
      CREATE INDEX change_proposals_connection ON change_proposals (connection_id, created_at DESC);
    `,
  },
  {
    id: '0011_budget_accounts',
    sql: `
      -- Credentials (a fingerprint of host + key, never the key) that passed Test Connection for an
      -- organisation: only these spend the host's shared API budget; others get a small allowance of their own.
      CREATE TABLE tested_credentials (
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        fingerprint text NOT NULL,
        tested_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, fingerprint)
      );
    `,
  },
  {
    id: '0013_filter_visibility',
    sql: `
      -- A ticket that failed before its side's filters had admitted it may be one they keep back: its
      -- detail row is shown only to the organisation whose ticket it is, and counts in no run total.
      ALTER TABLE sync_run_details ADD COLUMN owner_only boolean NOT NULL DEFAULT false;
      -- Older rows could not tell: a failure of a ticket that never got a copy is kept to its own side.
      UPDATE sync_run_details SET owner_only = true
        WHERE outcome = 'failed' AND (CASE origin_side WHEN 'source' THEN target_ticket_id ELSE source_ticket_id END) IS NULL;
    `,
  },
  {
    id: '0016_webhook_last_event',
    sql: `
      -- The last call of each side's webhook URL and what came of it, for the Sync tab: a workflow whose
      -- body the platform renders wrongly fails only in the platform's own log otherwise.
      ALTER TABLE connection_sides ADD COLUMN webhook_last_event_at timestamptz;
      ALTER TABLE connection_sides ADD COLUMN webhook_last_event_accepted boolean;
      ALTER TABLE connection_sides ADD COLUMN webhook_last_event_reason text;
    `,
  },
  {
    id: '0017_run_detail_subjects',
    sql: `
      -- The ticket's subject (plain text, clipped) beside each run detail and timeline step, so people
      -- recognise tickets by more than a number; written only where the row itself may be seen.
      ALTER TABLE sync_run_details ADD COLUMN subject text;
      ALTER TABLE ticket_events ADD COLUMN subject text;
      -- History pages by (started_at, id) and retention prunes by age, across all connections.
      CREATE INDEX sync_runs_started_id ON sync_runs (started_at DESC, id DESC);
      CREATE INDEX ticket_events_created_all ON ticket_events (created_at);
    `,
  },
  {
    id: '0018_notifications',
    sql: `
      -- Where an organisation hears about failing and recovering connections (e-mail, Slack, Teams, a
      -- signed webhook). Secrets (SMTP password, Slack/Teams URLs, webhook URL and signing secret) are one
      -- JSON value sealed with the organisation id, like platform API keys.
      CREATE TABLE notification_channels (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('email', 'slack', 'teams', 'webhook')),
        name text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        settings jsonb NOT NULL,
        secret_ciphertext text NOT NULL,
        secret_hint text NOT NULL,
        last_delivery_at timestamptz,
        last_delivery_ok boolean,
        last_delivery_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX notification_channels_organisation ON notification_channels (organisation_id);
      -- The failure episode each connection is in, as last notified: a transition is claimed by one
      -- conditional write, so a restart or a second worker never announces the same episode twice.
      CREATE TABLE connection_alert_states (
        connection_id uuid PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('ok', 'failing')),
        run_id uuid,
        changed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: '0019_member_names',
    sql: `
      -- Members show names: users.name (0004) holds the optional display name; it can now be set at
      -- sign-up and on the Account page, so nothing to add for it here.
      -- Failure guidance names the side at fault: which side a failed run failed on and how
      -- ('authentication', 'network', 'timeout', 'not_configured', …), so each organisation is told its
      -- own part: "your key was rejected" or "your partner's platform is failing".
      ALTER TABLE sync_runs ADD COLUMN failure_side text CHECK (failure_side IN ('source', 'target'));
      ALTER TABLE sync_runs ADD COLUMN failure_kind text;
    `,
  },
  {
    id: '0020_partner_refs',
    sql: `
      -- Issue 12 items 13 and 16. A run's progress by step (tickets listed, screened, kept back and worked
      -- per side; comments and attachments planned and copied), written throttled like the ticket counts.
      -- The partner ticket reference itself needs no column: it is read from the ticket each time.
      ALTER TABLE sync_runs ADD COLUMN progress_steps jsonb;
    `,
  },
  {
    id: '0021_platform_credentials',
    sql: `
      -- Issue 13: credentials are a per-platform set of fields, not one API key. The sealed column keeps
      -- its name and its place in key rotation: it now holds the AES-GCM of a JSON object of the
      -- manifest's secret fields (organisation id as associated data) when credential_values is set, and
      -- the bare API key of a row saved before this migration when it is null (read as the field apiKey).
      -- credential_values: {"values": {non-secret fields}, "hints": {secret field: "••••a1b2"}}.
      ALTER TABLE platform_configs ADD COLUMN credential_values jsonb;
      ALTER TABLE connection_sides ADD COLUMN api_override_credential_values jsonb;
      -- A per-side secret for platforms that sign their webhook calls, generated with the token.
      ALTER TABLE connection_sides ADD COLUMN webhook_secret_ciphertext text;
    `,
  },
  {
    id: '0022_oauth_states',
    sql: `
      -- Issue 13: one row per OAuth authorization in progress (Settings' "Connect to X"). Only a hash of
      -- the state is kept; a row is used once (deleted when the browser comes back) and dies after 10 minutes.
      CREATE TABLE oauth_states (
        state_hash text PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        platform text NOT NULL,
        code_verifier text,
        redirect_uri text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
    `,
  },
  {
    id: '0023_field_cache',
    sql: `
      -- Issue 13: the fields a connection side's platform reports, kept a few minutes so opening the
      -- Configuration or Mappings tab does not call both platforms each time. source says which account
      -- (platform and URL, override or not) they were read from: a different one makes the row stale.
      CREATE TABLE field_cache (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        side text NOT NULL,
        source text NOT NULL,
        fields jsonb NOT NULL,
        fetched_at timestamptz NOT NULL,
        PRIMARY KEY (connection_id, side)
      );
    `,
  },
  {
    id: '0024_opaque_cursors',
    sql: `
      -- Issue 13: change feeds hand back an opaque cursor (a time with a tie-break, or the platform's own
      -- cursor), saved once a page's tickets are durable. cursor_at stays as the newest change handled
      -- (shown to people); a side with only cursor_at resumes from it as a time cursor.
      ALTER TABLE connection_sides ADD COLUMN cursor text;
    `,
  },
  {
    id: '0026_sync_hint_deletions',
    sql: `
      -- A webhook that reports a ticket deleted (an issue-deleted event) says so in its hint; hints stored
      -- before this are changes. The engine confirms a deletion with its own read before reporting it.
      ALTER TABLE sync_hints ADD COLUMN deleted boolean NOT NULL DEFAULT false;
    `,
  },
  {
    id: '0027_rate_reservation_keep',
    sql: `
      -- How long a reservation must stay visible: its platform's longest window (an hour for an hourly quota).
      -- Every worker prunes, whatever platforms it serves, so the row itself says it; rows from before are
      -- pruned by age as they were.
      ALTER TABLE rate_reservations ADD COLUMN keep_until timestamptz;
    `,
  },
  {
    id: '0028_rate_leases',
    sql: `
      -- Requests in flight on accounts whose platform caps them (maxConcurrent), counted by every worker under
      -- the account's budget lock. A row expires after the request timeout, so a crashed worker frees its place.
      CREATE TABLE rate_leases (
        id bigserial PRIMARY KEY,
        account text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX rate_leases_account_expires ON rate_leases (account, expires_at);
    `,
  },
];

// Several processes may start at once on one PostgreSQL server: the advisory lock makes them take turns.
const MIGRATION_LOCK = 727_001;

// Migrations create the schema the typed database describes: they run before it exists.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrate(db: Kysely<any>): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS sf_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
    // Which release applied each migration, so an older binary can name the version to install.
    await sql`ALTER TABLE sf_migrations ADD COLUMN IF NOT EXISTS version text`.execute(trx);
    const rows = (await sql<{ id: string; version: string | null }>`SELECT id, version FROM sf_migrations`.execute(trx)).rows;
    const known = new Set(migrations.map((m) => m.id));
    const unknown = rows.filter((r) => !known.has(r.id));
    if (unknown.length > 0) throw new DatabaseNewerThanBinary(unknown.map((r) => r.id).sort(), newestVersion(unknown.map((r) => r.version)));
    const done = new Set(rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await sql.raw(m.sql).execute(trx);
      await sql`INSERT INTO sf_migrations (id, version) VALUES (${m.id}, ${VERSION})`.execute(trx);
      applied.push(m.id);
    }
    return applied;
  });
}
