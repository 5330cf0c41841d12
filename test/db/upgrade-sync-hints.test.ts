import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations.ts';
import { createSyncStore } from '../../src/db/repositories/sync-store.ts';
import { addSyncHint, takeSyncHints } from '../../src/db/repositories/webhooks.ts';

/**
 * A database as the migrations before 0026 left it, holding webhook hints not yet worked. After the upgrade
 * they are still there, read as changes (not deletions), and new hints carry the webhook's deletion flag.
 */
const MIGRATION = '0026_sync_hint_deletions';
const ids = {
  acme: '11111111-1111-4111-8111-111111111111',
  globex: '22222222-2222-4222-8222-222222222222',
  connection: '55555555-5555-4555-8555-555555555555',
};

let dataDir: string;
let handle: DatabaseHandle;

async function buildFixture(): Promise<void> {
  const upTo = migrations.findIndex((m) => m.id === MIGRATION);
  expect(upTo).toBeGreaterThan(0);
  const pg = await PGlite.create(join(dataDir, 'pglite'));
  await pg.exec(`CREATE TABLE sf_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of migrations.slice(0, upTo)) {
    await pg.exec(m.sql);
    await pg.query('INSERT INTO sf_migrations (id) VALUES ($1)', [m.id]);
  }
  const q = (text: string, params: unknown[] = []) => pg.query(text, params);
  await q(`INSERT INTO organisations (id, name) VALUES ($1, 'Acme Corp'), ($2, 'Globex MSP')`, [ids.acme, ids.globex]);
  await q(
    `INSERT INTO connections (id, contract_name, creator_organisation_id, source_organisation_id, target_organisation_id, status, code_expires_at, mappings)
     VALUES ($1, 'Acme managed IT', $2, $2, $3, 'active', '2026-11-03T00:00:00Z', '{}')`,
    [ids.connection, ids.acme, ids.globex],
  );
  await q(
    `INSERT INTO sync_hints (connection_id, side, ticket_id, created_at) VALUES ($1, 'source', '10001', '2026-11-05T10:00:00Z'), ($1, 'target', '7', '2026-11-05T10:00:01Z')`,
    [ids.connection],
  );
  await pg.close();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sf-upgrade-hints-'));
  await buildFixture();
  handle = await openDatabase({ dataDir });
}, 120_000);
afterAll(async () => {
  await handle?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe(`sync hints stored before migration ${MIGRATION}`, () => {
  it('are kept by the upgrade and read as changes, not deletions', async () => {
    expect(handle.migrated).toContain(MIGRATION);
    const hints = await createSyncStore(handle.db).hints(ids.connection);
    expect(hints.map((h) => [h.side, h.ticketId, h.deleted])).toEqual([
      ['source', '10001', false],
      ['target', '7', false],
    ]);
  });

  it('new hints carry the deletion a webhook reported; a change of the same ticket that follows keeps it, others stay changes', async () => {
    const db = handle.db;
    await addSyncHint(db, ids.connection, 'source', ['10001', '10002'], { deleted: ['10002', 'not-named'] });
    await addSyncHint(db, ids.connection, 'source', '10002');
    await addSyncHint(db, ids.connection, 'source', '10003');
    const hints = await createSyncStore(db).hints(ids.connection);
    expect(Object.fromEntries(hints.map((h) => [`${h.side}:${h.ticketId}`, h.deleted]))).toEqual({
      'source:10001': false,
      'source:10002': true,
      'source:10003': false,
      'target:7': false,
    });
    // Ids the call reported deleted but did not name are not hints at all.
    expect(hints.some((h) => h.ticketId === 'not-named')).toBe(false);
    const taken = await takeSyncHints(db, ids.connection);
    expect(taken).toContainEqual({ side: 'source', ticketId: '10002', deleted: true });
    expect(taken).toContainEqual({ side: 'source', ticketId: '10001' });
    expect(taken).toHaveLength(4);
  });
});
