import { sql, type Kysely } from 'kysely';

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
];

// Several processes may start at once on one PostgreSQL server: the advisory lock makes them take turns.
const MIGRATION_LOCK = 727_001;

export async function migrate(db: Kysely<any>): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS sf_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
    const done = new Set((await sql<{ id: string }>`SELECT id FROM sf_migrations`.execute(trx)).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await sql.raw(m.sql).execute(trx);
      await sql`INSERT INTO sf_migrations (id) VALUES (${m.id})`.execute(trx);
      applied.push(m.id);
    }
    return applied;
  });
}
