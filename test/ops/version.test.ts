import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations.ts';
import { processRegistry } from '../../src/observability/metrics.ts';
import { VERSION } from '../../src/version.ts';
import { startStack, type TestStack } from '../helpers/stack.ts';
import { startProduct } from './product-process.ts';

/** Issue 11 item 14: the version is visible everywhere, and a binary refuses a database a newer version migrated. */
const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

async function run(args: string[], env: Record<string, string> = {}) {
  const p = startProduct(args, { SF_LOG_LEVEL: 'warn', ...env });
  const exit = await p.exited;
  return { code: exit.code, output: p.output() };
}

describe('versions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ listen: false });
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('support-fusion --version prints the version from package.json, and it is 0.2.0 or later', async () => {
    expect(VERSION).toBe(pkg.version);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(VERSION).not.toBe('0.1.0');
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.output.trim()).toBe(pkg.version);
  }, 300_000);

  it('GET /api/v1/health names the version and keeps its status field', async () => {
    const res = await stack.app.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: pkg.version });
  });

  it('sf_build_info{version,node} is 1 in every process’s metrics', async () => {
    const text = await processRegistry.metrics();
    expect(text).toContain(`sf_build_info{version="${pkg.version}",node="${process.versions.node}"} 1`);
  });

  it('the CHANGELOG has an entry for this version and for 0.1.0', async () => {
    const changelog = await readFile(new URL('../../CHANGELOG.md', import.meta.url), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'));
    expect(changelog).toMatch(/^## 0\.1\.0\b/m);
  });
});

describe('a database migrated by a newer version', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sf-newer-'));
    const database = await openDatabase({ dataDir });
    // What a later release leaves behind: migrations this build has never heard of, stamped with its version.
    await sql`INSERT INTO sf_migrations (id, version) VALUES ('9998_from_the_future', '0.10.0'), ('9999_further_still', '0.9.1')`.execute(database.db);
    await database.close();
  }, 300_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrate and start exit 1 naming the unknown migrations and the version to install, and change nothing', async () => {
    const [migrate, start] = [await run(['migrate'], { SF_DATA_DIR: dataDir }), await run(['start'], { SF_DATA_DIR: dataDir, SF_PORT: '0' })];
    for (const r of [migrate, start]) {
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain('9998_from_the_future, 9999_further_still');
      expect(r.output).toContain(`this version (${pkg.version})`);
      // The newest of the versions that applied them (0.10.0 > 0.9.1: compared as numbers, not text).
      expect(r.output).toContain('Install Support Fusion 0.10.0 or newer');
    }
    const database = await openDatabase({ dataDir }).catch((err: Error) => err);
    expect(database).toBeInstanceOf(Error);
  }, 300_000);

  it('a database this version knows opens, and every migration it applies records the version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-known-'));
    try {
      const database = await openDatabase({ dataDir: dir });
      const rows = (await sql<{ id: string; version: string }>`SELECT id, version FROM sf_migrations ORDER BY id`.execute(database.db)).rows;
      expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id).sort());
      expect(new Set(rows.map((r) => r.version))).toEqual(new Set([pkg.version]));
      await database.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
