import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });
import { claimTransition } from '../../src/db/repositories/notifications.ts';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';
import { startHttpReceiver } from '../helpers/notification-receivers.ts';
import { startSyncPair } from '../helpers/sync-pair.ts';
import { usePostgresStack } from '../helpers/postgres-stack.ts';
import { savePlatform, signUpAndLogIn } from '../helpers/stack.ts';

/**
 * On a PostgreSQL server several workers see a run end at once, on different connections: the claim of a
 * failure episode (and of its end) must go to exactly one of them, or the organisation hears twice.
 */
describe.skipIf(!testDatabaseUrl)('failure episode claims on a PostgreSQL server', () => {
  const pg = usePostgresStack();

  it('ten workers claiming the same run end at once: exactly one wins, for the failure and for the recovery', async () => {
    const db = pg.stack.database.db;
    const org = await signUpAndLogIn(pg.stack.app, 'pg-claims');
    await savePlatform(pg.stack.app, org);
    const res = await pg.stack.app.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: org.auth,
      payload: { role: 'source', contractName: 'Claims' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    const run = async (status: string) => {
      const at = new Date(Date.now() + Math.random());
      const r = await sql<{
        id: string;
      }>`INSERT INTO sync_runs (connection_id, trigger, status, started_at, finished_at) VALUES (${created.id}, 'automatic', ${status}, clock_timestamp(), ${at}) RETURNING id`.execute(
        db,
      );
      return r.rows[0]!.id;
    };
    const race = async (state: 'failing' | 'ok', runId: string) =>
      (await Promise.all(Array.from({ length: 10 }, () => claimTransition(db, created.id, state, runId)))).filter(Boolean).length;

    const failed = await run('failed');
    expect(await race('failing', failed)).toBe(1);
    expect(await race('failing', await run('failed'))).toBe(0);
    const ok = await run('success');
    expect(await race('ok', ok)).toBe(1);
    // A slow worker that read the older failed run claims nothing once a newer run has finished.
    expect(await race('failing', failed)).toBe(0);
    expect(await race('failing', await run('failed'))).toBe(1);
  });
});

describe.skipIf(!testDatabaseUrl)('failure notifications through pg-boss on a PostgreSQL server', () => {
  it('a failing run queues its messages in the claim’s transaction, and they are delivered', async () => {
    const temp = await createTempDatabase();
    const http = await startHttpReceiver();
    const pair = await startSyncPair({ sourceSeed: 'empty', stack: { jobs: 'boss', env: { DATABASE_URL: temp.url } } });
    try {
      const hook = await pair.stack.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/channels',
        headers: pair.source.auth,
        payload: { kind: 'webhook', name: 'pg hook', settings: { url: `${http.url}/pg-hook` } },
      });
      expect(hook.statusCode).toBe(201);
      expect((await pair.sync()).status).toMatch(/success|no_tickets/);
      pair.target.sim.faults.set({ rules: [{ pathPattern: '^/api/v2/', status: 401, body: { code: 'invalid_credentials', message: 'Invalid credentials' } }] });
      const run = await pair.sync();
      expect(run.status).toBe('failed');
      const [got] = await http.until(1);
      expect(JSON.parse(got!.body)).toMatchObject({ kind: 'connection.failing', run: { id: run.id }, fault: 'partner_side' });
      const jobs = async () =>
        (await sql<{ state: string }>`SELECT state FROM pgboss.job WHERE name = 'notification-delivery'`.execute(pair.stack.database.db)).rows.map(
          (r) => r.state,
        );
      for (let i = 0; i < 600 && (await jobs()).some((s) => s !== 'completed'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await jobs()).toEqual(['completed']);
    } finally {
      await pair.close();
      await http.close();
      await temp.drop();
    }
  });
});
