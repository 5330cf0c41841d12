import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMappings, defaultSideConfiguration } from '../../src/core/sync-config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/env.ts';
import { decryptSecret, encryptSecret } from '../../src/security/crypto.ts';
import { hashPassword } from '../../src/security/passwords.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';

/**
 * A database as version 0003 left it (the release with automatic sync and webhooks): built with the
 * migrations of that release only, then filled the way that release filled it. The current code must open
 * it, apply every later migration, and keep every row working.
 */
const FIXTURE_AT = '0003_automatic_sync_webhooks_budget';
const ids = {
  acme: '11111111-1111-4111-8111-111111111111',
  globex: '22222222-2222-4222-8222-222222222222',
  alice: '33333333-3333-4333-8333-333333333333',
  bob: '44444444-4444-4444-8444-444444444444',
  connection: '55555555-5555-4555-8555-555555555555',
  run: '66666666-6666-4666-8666-666666666666',
  link: '77777777-7777-4777-8777-777777777777',
};
const API_KEY = 'acme-freshservice-api-key-0003';
const WEBHOOK_TOKEN = 'webhook-token-from-release-0003';

async function buildFixture(dataDir: string, masterKey: Buffer): Promise<void> {
  const upTo = migrations.findIndex((m) => m.id === FIXTURE_AT);
  expect(upTo).toBe(2);
  const pg = await PGlite.create(join(dataDir, 'pglite'));
  await pg.exec(`CREATE TABLE sf_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of migrations.slice(0, upTo + 1)) {
    await pg.exec(m.sql);
    await pg.query('INSERT INTO sf_migrations (id) VALUES ($1)', [m.id]);
  }
  const hash = await hashPassword('release 0003 password');
  const q = (text: string, params: unknown[] = []) => pg.query(text, params);
  await q(`INSERT INTO organisations (id, name, created_at) VALUES ($1, 'Acme Corp', '2026-03-01T10:00:00Z'), ($2, 'Globex MSP', '2026-03-01T11:00:00Z')`, [
    ids.acme,
    ids.globex,
  ]);
  await q(
    `INSERT INTO users (id, organisation_id, email, password_hash, role) VALUES ($1, $2, 'alice@acme.example', $3, 'admin'), ($4, $5, 'bob@globex.example', $3, 'admin')`,
    [ids.alice, ids.acme, hash, ids.bob, ids.globex],
  );
  await q(
    `INSERT INTO platform_configs (organisation_id, platform, api_url, api_key_ciphertext, api_key_hint, last_test, last_tested_at) VALUES ($1, 'freshservice', 'https://acme.freshservice.com', $2, '••••0003', '{"ok": true, "checks": []}', '2026-03-02T09:00:00Z')`,
    [ids.acme, encryptSecret(masterKey, API_KEY, ids.acme)],
  );
  await q(
    `INSERT INTO connections (id, contract_name, creator_organisation_id, source_organisation_id, target_organisation_id, status, sync_state, automatic_sync, code_expires_at, mappings, accepted_at)
     VALUES ($1, 'Acme managed IT', $2, $2, $3, 'active', 'ready_for_automatic_sync', true, '2026-03-03T00:00:00Z', $4, '2026-03-02T12:00:00Z')`,
    [ids.connection, ids.acme, ids.globex, JSON.stringify(defaultMappings())],
  );
  await q(
    `INSERT INTO connection_sides (connection_id, side, organisation_id, configuration, cursor_at, webhook_token_hash, webhook_token_ciphertext)
     VALUES ($1, 'source', $2, $4, '2026-03-04T08:00:00Z', 'hash-of-token', $5), ($1, 'target', $3, $4, '2026-03-04T08:00:00Z', NULL, NULL)`,
    [ids.connection, ids.acme, ids.globex, JSON.stringify(defaultSideConfiguration()), encryptSecret(masterKey, WEBHOOK_TOKEN, ids.acme)],
  );
  await q(
    `INSERT INTO sync_runs (id, connection_id, trigger, status, since, started_at, finished_at, created_count, updated_count, worker, heartbeat_at)
     VALUES ($1, $2, 'manual', 'success', '2026-02-01T00:00:00Z', '2026-03-04T08:00:00Z', '2026-03-04T08:01:00Z', 1, 0, 'host:123', '2026-03-04T08:01:00Z')`,
    [ids.run, ids.connection],
  );
  await q(`INSERT INTO sync_run_details (run_id, origin_side, source_ticket_id, target_ticket_id, outcome) VALUES ($1, 'source', '101', '9001', 'created')`, [
    ids.run,
  ]);
  await q(
    `INSERT INTO ticket_links (id, connection_id, origin_side, source_ticket_id, target_ticket_id, source_snapshot, target_snapshot) VALUES ($1, $2, 'source', '101', '9001', '{"subject": "VPN drops"}', '{"subject": "VPN drops"}')`,
    [ids.link, ids.connection],
  );
  await q(`INSERT INTO comment_ledger (link_id, origin_side, origin_comment_id, copy_comment_id, marker) VALUES ($1, 'source', '5001', '8001', 'sf-c-0003')`, [
    ids.link,
  ]);
  await q(`INSERT INTO sync_retries (connection_id, side, ticket_id, attempts, last_error) VALUES ($1, 'target', '9002', 2, 'timeout')`, [ids.connection]);
  await q(`INSERT INTO rate_accounts (account, limit_total, observed_remaining, observed_at) VALUES ('acme.freshservice.com', 500, 480, now())`);
  await pg.close();
}

let dataDir: string;
let handle: DatabaseHandle;
let masterKey: Buffer;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sf-upgrade-'));
  masterKey = await loadMasterKey(undefined, dataDir);
  await buildFixture(dataDir, masterKey);
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('upgrading a database made by release 0003', () => {
  it('applies every later migration, whatever they are, and keeps the data', async () => {
    handle = await openDatabase({ dataDir });
    const later = migrations.slice(3).map((m) => m.id);
    expect(handle.migrated).toEqual(later);
    const applied = await handle.db
      .selectFrom('sf_migrations' as never)
      .select('id' as never)
      .execute();
    expect((applied as Array<{ id: string }>).map((r) => r.id).sort()).toEqual(migrations.map((m) => m.id));

    const db = handle.db;
    expect(await db.selectFrom('organisations').select('name').orderBy('name').execute()).toEqual([{ name: 'Acme Corp' }, { name: 'Globex MSP' }]);
    const link = await db.selectFrom('ticket_links').selectAll().where('id', '=', ids.link).executeTakeFirstOrThrow();
    expect(link.source_snapshot).toEqual({ subject: 'VPN drops' });
    expect(await db.selectFrom('comment_ledger').select('copy_comment_id').execute()).toEqual([{ copy_comment_id: '8001' }]);
    expect(await db.selectFrom('sync_retries').select(['ticket_id', 'attempts']).execute()).toEqual([{ ticket_id: '9002', attempts: 2 }]);
    const side = await db
      .selectFrom('connection_sides')
      .select(['webhook_token_ciphertext', 'cursor_at'])
      .where('side', '=', 'source')
      .executeTakeFirstOrThrow();
    expect(decryptSecret(masterKey, side.webhook_token_ciphertext!, ids.acme)).toBe(WEBHOOK_TOKEN);
    expect(side.cursor_at!.toISOString()).toBe('2026-03-04T08:00:00.000Z');
    // Opening again applies nothing.
    await handle.close();
    handle = await openDatabase({ dataDir });
    expect(handle.migrated).toEqual([]);
  });

  it('the current API serves the old rows: log-in, platform settings (key decrypts), connection, run history', async () => {
    const config = loadConfig({ SF_DATA_DIR: dataDir, SF_LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, db: handle.db, masterKey }, { logger: false });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'alice@acme.example', password: 'release 0003 password' } });
      expect(login.statusCode).toBe(200);
      const auth = { authorization: `Bearer ${login.json().token}` };
      const platform = await app.inject({ url: '/api/v1/platform', headers: auth });
      expect(platform.statusCode).toBe(200);
      expect(platform.json()).toMatchObject({ platform: 'freshservice', apiUrl: 'https://acme.freshservice.com', apiKeyHint: '••••0003' });
      const cfg = await handle.db.selectFrom('platform_configs').select('api_key_ciphertext').where('organisation_id', '=', ids.acme).executeTakeFirstOrThrow();
      expect(decryptSecret(masterKey, cfg.api_key_ciphertext, ids.acme)).toBe(API_KEY);
      const conns = await app.inject({ url: '/api/v1/connections', headers: auth });
      expect(conns.statusCode).toBe(200);
      expect(JSON.stringify(conns.json())).toContain(ids.connection);
      const run = await app.inject({ url: `/api/v1/sync-runs/${ids.run}`, headers: auth });
      expect(run.statusCode).toBe(200);
      expect(run.json()).toMatchObject({ id: ids.run, status: 'success', counts: { created: 1 } });
    } finally {
      await app.close();
    }
  });
});
