import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { startBoss } from '../src/queue/boss.ts';
import type PgBoss from 'pg-boss';

describe('embedded PGlite with pg-boss', () => {
  let dir: string;
  let handle: DatabaseHandle;
  let boss: PgBoss;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sf-db-'));
    handle = await openDatabase({ dataDir: dir });
    boss = await startBoss(handle.boss);
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends and works jobs while Kysely queries run beside it', async () => {
    await boss.createQueue('test.echo');
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => {
      void boss.work<{ n: number }>('test.echo', { batchSize: 5, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const j of jobs) seen.push(j.data.n);
        if (seen.length === 20) resolve();
      });
    });
    for (let n = 0; n < 20; n++) await boss.send('test.echo', { n });
    // A transaction on the same embedded connection must not interleave with pg-boss statements.
    await handle.db.transaction().execute(async (trx) => {
      const org = await trx.insertInto('organisations').values({ name: 'Tx Org' }).returning('id').executeTakeFirstOrThrow();
      expect(org.id).toMatch(/^[0-9a-f-]{36}$/);
    });
    await done;
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('is migrated once and keeps data across reopen', async () => {
    await handle.db.insertInto('organisations').values({ name: 'Persisted' }).execute();
    await boss.stop({ graceful: false, wait: true });
    await handle.close();
    handle = await openDatabase({ dataDir: dir });
    boss = await startBoss(handle.boss);
    const rows = await handle.db.selectFrom('organisations').select('name').where('name', '=', 'Persisted').execute();
    expect(rows).toHaveLength(1);
  });
});
