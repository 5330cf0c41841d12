import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { createSyncStore } from '../src/db/repositories/sync-store.ts';
import { addSyncHint } from '../src/db/repositories/webhooks.ts';
import { startBoss } from '../src/queue/boss.ts';
import { createTempDatabase, testDatabaseUrl } from './helpers/postgres.ts';
import { startSyncPair } from './helpers/sync-pair.ts';
import { signUpAndLogIn, startStack, type TestStack } from './helpers/stack.ts';

if (!testDatabaseUrl) console.log('SF_TEST_DATABASE_URL not set: skipping the PostgreSQL server tests.');

describe.skipIf(!testDatabaseUrl)('on a PostgreSQL server (DATABASE_URL)', () => {
  let temp: Awaited<ReturnType<typeof createTempDatabase>>;
  let stack: TestStack;
  beforeAll(async () => {
    temp = await createTempDatabase();
    stack = await startStack({ listen: false, env: { DATABASE_URL: temp.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await temp?.drop();
  });

  it('runs the same schema and API: sign-up, log-in, save settings', async () => {
    expect(stack.database.kind).toBe('postgres');
    const s = await signUpAndLogIn(stack.app, 'pg');
    const r = await stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: s.auth,
      payload: { platform: 'freshservice', apiUrl: 'acme', apiKey: 'Yq8nL2pWx0aB7cD3eF9g' },
    });
    expect(r.statusCode).toBe(200);
    expect((await stack.app.inject({ url: '/api/v1/platform', headers: s.auth })).json().apiUrl).toBe('https://acme.freshservice.com');
  });

  it('migrates idempotently when several processes start at once', async () => {
    const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: temp.url, dataDir: '/nonexistent' })));
    const rows = await handles[0]!.db
      .selectFrom('sf_migrations' as never)
      .selectAll()
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    await Promise.all(handles.map((h) => h.close()));
  });

  it('spends a webhook hint in the run that read it, although the server keeps microseconds', async () => {
    const db2 = await createTempDatabase();
    const pair = await startSyncPair({ stack: { env: { DATABASE_URL: db2.url } } });
    try {
      const store = createSyncStore(pair.stack.database.db);
      await addSyncHint(pair.stack.database.db, pair.connectionId, 'source', '1');
      expect(await store.hints(pair.connectionId)).toHaveLength(1);
      await pair.sync();
      expect(await store.hints(pair.connectionId)).toEqual([]);
    } finally {
      await pair.close();
      await db2.drop();
    }
  });

  it('runs pg-boss jobs', async () => {
    const boss = await startBoss(stack.database.boss);
    try {
      await boss.createQueue('test.pg');
      const id = await boss.send('test.pg', { hello: 'world' });
      const [job] = await boss.fetch<{ hello: string }>('test.pg');
      expect(job?.id).toBe(id);
      expect(job?.data.hello).toBe('world');
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
