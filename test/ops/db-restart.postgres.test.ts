import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';
import { freePort } from './ports.ts';
import { startProduct, type ProductProcess } from './product-process.ts';

/**
 * Issue 11 item 9: a PostgreSQL restart (here: every backend of the product terminated, as a restart or a
 * failover does) must not kill the product, and a product started before its database must wait for it.
 */
const describeIf = testDatabaseUrl ? describe : describe.skip;
if (!testDatabaseUrl) console.log('db-restart.postgres.test.ts skipped: set SF_TEST_DATABASE_URL to run it');

let temp: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  if (testDatabaseUrl) temp = await createTempDatabase();
}, 300_000);
afterAll(async () => {
  await temp?.drop();
});

async function ready(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/v1/health/ready`)).status;
  } catch {
    return 0;
  }
}

/** Terminates every backend of the product's database (not this test's own), as a server restart would. */
async function terminateBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    const db = new URL(url).pathname.slice(1);
    const r = await admin.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [db],
    );
    return Number(r.rows[0].n);
  } finally {
    await admin.end();
  }
}

/** A TCP proxy to the test database on `port`: the "database" appears when it starts listening. */
function startProxy(port: number, to: URL): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(to.port || 5432), to.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describeIf('PostgreSQL restarts', () => {
  it('terminated connections: the process survives, readiness recovers and queries work again', async () => {
    const port = await freePort();
    const product: ProductProcess = startProduct(['start'], {
      DATABASE_URL: temp.url,
      SF_PORT: String(port),
      SF_SECRET_KEY: 'a'.repeat(64),
      SF_DATA_DIR: '/nonexistent-unused',
    });
    try {
      await product.waitFor(/Support Fusion is running/);
      // Idle connections in every pool (the readiness query leaves one in the main pool).
      expect(await ready(port)).toBe(200);
      expect(await terminateBackends(temp.url)).toBeGreaterThan(0);
      // An idle client's 'error' event without a listener used to crash the process here. Readiness may see
      // the database gone (503) or already back (the pool reconnects): either way it comes back to 200.
      const seen: number[] = [];
      for (;;) {
        const s = await ready(port);
        seen.push(s);
        if (s === 200) break;
        if (product.child.exitCode !== null || product.child.signalCode !== null) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(product.child.exitCode, product.output().slice(-3000)).toBeNull();
      expect(product.child.signalCode).toBeNull();
      expect(seen.at(-1)).toBe(200);
      // A second restart while the pools are warm again; the next query through the app works.
      await terminateBackends(temp.url);
      while ((await ready(port)) !== 200 && product.child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      expect(await ready(port)).toBe(200);
      expect(product.child.exitCode, product.output().slice(-3000)).toBeNull();
      expect(product.output()).toMatch(/database connection lost/);
    } finally {
      await product.kill();
    }
  }, 300_000);

  it('start-up before the database is up: waits with backoff, then starts once it appears', async () => {
    const [port, dbPort] = [await freePort(), await freePort()];
    const viaProxy = new URL(temp.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(dbPort);
    const product = startProduct(['start'], {
      DATABASE_URL: viaProxy.toString(),
      SF_PORT: String(port),
      SF_SECRET_KEY: 'a'.repeat(64),
      SF_DATA_DIR: '/nonexistent-unused',
    });
    let proxy: Server | undefined;
    try {
      // Nothing listens on dbPort yet: the product says it waits (and does not exit)...
      await product.waitFor(/database not reachable yet; trying again/);
      await product.waitFor(/attempt"?: ?2\b/);
      // ...and starts once the database appears.
      proxy = await startProxy(dbPort, new URL(testDatabaseUrl!));
      await product.waitFor(/Support Fusion is running/);
      expect(await ready(port)).toBe(200);
    } finally {
      await product.kill();
      await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
    }
  }, 300_000);

  it('gives up with a clear message after SF_DATABASE_WAIT_SECONDS', async () => {
    const dbPort = await freePort();
    const product = startProduct(['migrate'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${dbPort}/nothing`,
      SF_DATABASE_WAIT_SECONDS: '2',
      SF_SECRET_KEY: 'a'.repeat(64),
    });
    const exit = await product.exited;
    expect(exit.code).toBe(1);
    expect(product.output()).toMatch(/still unreachable after 2 s \(SF_DATABASE_WAIT_SECONDS\)/);
  }, 120_000);
});
