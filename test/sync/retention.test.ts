import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { pruneHistory, retentionCutoff } from '../../src/db/repositories/retention.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * SF_RETENTION_DAYS: runs (with their detail rows) and timeline steps older than the retention are pruned by
 * the periodic maintenance, one process at a time; newer ones and a run still going stay. Dates are explicit.
 */
let stack: TestStack;
let connectionId: string;
const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1, 12);

beforeAll(async () => {
  // The pg-boss tick with a 1 s period and the shortest retention: the maintenance path as npm start runs it.
  stack = await startStack({ listen: false, jobs: 'boss', env: { SF_RETENTION_DAYS: '7', SF_SCHEDULER_TICK_SECONDS: '1' } });
  const org = await signUpAndLogIn(stack.app);
  // A pending connection is enough to hang runs on: written directly, no platform needed.
  const c = await stack.database.db
    .insertInto('connections')
    .values({
      contract_name: 'Retention',
      creator_organisation_id: org.organisation.id,
      source_organisation_id: org.organisation.id,
      code_expires_at: new Date(),
      mappings: JSON.stringify({ types: {} }),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  connectionId = c.id;
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const db = () => stack.database.db;

async function seed(startedAt: Date, status = 'success') {
  const run = await db()
    .insertInto('sync_runs')
    .values({ connection_id: connectionId, trigger: 'automatic', status, started_at: startedAt, finished_at: status === 'running' ? null : startedAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db()
    .insertInto('sync_run_details')
    .values({
      run_id: run.id,
      origin_side: 'source',
      source_ticket_id: '1',
      target_ticket_id: '2',
      outcome: 'updated',
      error: null,
      failed_comments: 0,
      failed_attachments: 0,
      created_at: startedAt,
      subject: 'Printer',
    })
    .execute();
  await db()
    .insertInto('ticket_events')
    .values({
      connection_id: connectionId,
      run_id: run.id,
      side: 'source',
      ticket_id: '1',
      kind: 'read',
      summary: 'Read #1',
      requests: '[]',
      created_at: startedAt,
    })
    .execute();
  return run.id;
}

const runIds = async () => (await db().selectFrom('sync_runs').select('id').where('connection_id', '=', connectionId).execute()).map((r) => r.id).sort();
const count = async (table: 'sync_run_details' | 'ticket_events') =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('retention', () => {
  it('SF_RETENTION_DAYS: 90 by default; a value out of range stops start-up with what to set', () => {
    expect(loadConfig({}).retentionDays).toBe(90);
    expect(loadConfig({ SF_RETENTION_DAYS: '365' }).retentionDays).toBe(365);
    for (const bad of ['3', '0', '-5', '1.5', 'ninety', '4000']) {
      expect(() => loadConfig({ SF_RETENTION_DAYS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ SF_RETENTION_DAYS: bad })).toThrow(/SF_RETENTION_DAYS: must be a whole number of days from 7 to 3650/);
    }
  });

  it('prunes runs, their rows and timeline steps older than the cutoff; keeps newer ones and a run still going', async () => {
    await db().deleteFrom('sync_runs').where('connection_id', '=', connectionId).execute();
    const old = await seed(new Date(now - 91 * DAY));
    const edge = await seed(new Date(now - 89 * DAY));
    const running = await seed(new Date(now - 200 * DAY), 'running');
    const result = await pruneHistory(db(), retentionCutoff(90, now));
    expect(result).toEqual({ skipped: false, runs: 1, events: 2 });
    expect(await runIds()).toEqual([edge, running].sort());
    expect(await db().selectFrom('sync_run_details').select('run_id').where('run_id', '=', old).execute()).toEqual([]);
    // Small batches: the rest goes on the next pass.
    await db().deleteFrom('sync_runs').where('connection_id', '=', connectionId).execute();
    for (let i = 0; i < 5; i++) await seed(new Date(now - (100 + i) * DAY));
    expect(await pruneHistory(db(), retentionCutoff(90, now), 3)).toMatchObject({ runs: 3, events: 3 });
    expect(await pruneHistory(db(), retentionCutoff(90, now), 3)).toMatchObject({ runs: 2, events: 2 });
    expect(await runIds()).toEqual([]);
  });

  it('the cluster tick prunes past SF_RETENTION_DAYS without anyone asking', async () => {
    const old = await seed(new Date(Date.now() - 8 * DAY));
    const recent = await seed(new Date(Date.now() - 6 * DAY));
    await vi.waitFor(async () => expect(await runIds()).not.toContain(old), { timeout: 60_000, interval: 200 });
    expect(await runIds()).toContain(recent);
    expect(await count('ticket_events')).toBeGreaterThan(0);
  });
});
