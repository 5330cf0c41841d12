import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { decryptSecret } from '../../src/security/crypto.ts';
import { parseSecretKey } from '../../src/security/secret-key.ts';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

const launcher = fileURLToPath(new URL('../../bin/support-fusion.mjs', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `support-fusion <args>` as its own process (the npm bin launcher), as an operator or a script runs it. */
function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SF_') && k !== 'DATABASE_URL'));
    const child = spawn(process.execPath, [launcher, ...args], {
      env: { ...clean, SF_LOG_LEVEL: 'warn', SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_PLATFORM_TIMEOUT_MS: '3000', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('usage, help and exit codes', () => {
  it('--help lists every command; each command has its own --help (exit 0)', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    const commands = [
      'serve',
      'start',
      'worker',
      'migrate',
      'simulate',
      'demo',
      'sync',
      'connections list',
      'users create',
      'rotate-secret-key',
      'export',
      'import',
    ];
    for (const c of commands) expect(top.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const helps = await Promise.all(
      [['serve'], ['worker'], ['migrate'], ['sync'], ['connections', 'list'], ['users', 'create'], ['rotate-secret-key'], ['export'], ['import']].map((c) =>
        cli([...c, '--help']),
      ),
    );
    for (const h of helps) {
      expect(h.code, h.stderr).toBe(0);
      expect(h.stdout).toMatch(/^Usage: support-fusion /);
      expect(h.stdout).toMatch(/Exit codes:/);
    }
  }, 180_000);

  it('usage mistakes exit 2 with a message on stderr; nothing on stdout', async () => {
    const [unknown, badOption, notUuid, badConfig, missing] = await Promise.all([
      cli(['frobnicate']),
      cli(['export', '--bogus']),
      cli(['sync', 'acme']),
      cli(['migrate'], { SF_PORT: 'abc' }),
      cli(['users', 'create', '--email', 'x@example.com', '--organisation', 'Acme']),
    ]);
    for (const r of [unknown, badOption, notUuid, badConfig, missing]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(unknown.stderr).toMatch(/^support-fusion frobnicate: unknown command "frobnicate"/);
    expect(badOption.stderr).toMatch(/Unknown option '--bogus'\nUsage: support-fusion export/);
    expect(notUuid.stderr).toMatch(/"acme" is not a connection id/);
    expect(badConfig.stderr).toMatch(/SF_PORT: .*\(got "abc"\)/);
    expect(missing.stderr).toMatch(/--password or --password-stdin is required/);
  }, 120_000);
});

describe('commands against a real installation', () => {
  let pair: SyncPair;
  let target: { env: Record<string, string>; close(): Promise<void> };
  const dirs: string[] = [];
  const since = new Date(Date.now() - 60 * 86_400_000).toISOString();

  beforeAll(async () => {
    pair = await startSyncPair();
    // The CLI opens the store itself: this process lets go of it (the embedded store is one process's).
    await pair.stack.app.close();
    await pair.stack.database.close();
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    // pair.close() closes the store it believes open: give it one.
    pair.stack.database = await openDatabase({ dataDir: pair.stack.dataDir });
    await pair?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const here = () => ({ SF_DATA_DIR: pair.stack.dataDir });

  it('connections list, sync <connection> (first sync needs --since), failures exit 1', async () => {
    const list = await cli(['connections', 'list', '--json'], here());
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: pair.connectionId,
      contractName: 'Acme managed IT',
      status: 'active',
      syncState: 'initial_sync_required',
      lastRun: null,
    });
    expect(rows[0].source.id).toBe(pair.source.organisation.id);

    const noSince = await cli(['sync', pair.connectionId], here());
    expect(noSince.code).toBe(2);
    expect(noSince.stderr).toMatch(/first sync yet: give --since/);

    const run = await cli(['sync', pair.connectionId, '--since', since, '--json'], here());
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ connectionId: pair.connectionId, trigger: 'manual', status: 'success' });
    expect(result.counts.created).toBeGreaterThan(0);
    expect(ticketsOf(pair.target.sim)).toHaveLength(result.counts.created);

    // Afterwards the connection continues from its cursors; the table shows the run.
    const again = await cli(['sync', pair.connectionId], here());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Run [0-9a-f-]{36}: (no_tickets|success) \(created 0,/);
    const table = await cli(['connections', 'list'], here());
    expect(table.stdout).toMatch(/^ID +CONTRACT +STATUS +SYNC +AUTO +SOURCE +TARGET +LAST RUN$/m);
    expect(table.stdout).toContain(`${pair.connectionId}  Acme managed IT  active  ready`);

    // A platform that refuses the key: the run fails, the exit code says so.
    pair.source.sim.faults.set({ status5xx: { status: 503 } });
    const down = await cli(['sync', pair.connectionId], here());
    pair.source.sim.faults.set({ status5xx: null });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/: failed /);
    expect(down.stderr).toMatch(/^sync failed: /m);

    const missing = await cli(['sync', '00000000-0000-4000-8000-000000000000'], here());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/connection 00000000-0000-4000-8000-000000000000 not found/);
  }, 300_000);

  it('users create: new organisation, existing one by name, taken e-mail, bad role; the user can log in', async () => {
    const created = await cli(['users', 'create', '--email', 'ops@example.com', '--password-stdin', '--organisation', 'Initech'], here(), 'a long secret pw\n');
    expect(created.code, created.stderr).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out).toMatchObject({ user: { email: 'ops@example.com', role: 'admin' }, organisation: { name: 'Initech', created: true } });
    const viewer = await cli(
      ['users', 'create', '--email', 'view@example.com', '--password', 'another long pw', '--organisation', 'Initech', '--role', 'viewer'],
      here(),
    );
    expect(viewer.code, viewer.stderr).toBe(0);
    expect(JSON.parse(viewer.stdout)).toMatchObject({ user: { role: 'viewer' }, organisation: { id: out.organisation.id, created: false } });
    const taken = await cli(['users', 'create', '--email', 'OPS@example.com', '--password', 'a long secret pw', '--organisation', 'Initech'], here());
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
    const role = await cli(
      ['users', 'create', '--email', 'x@example.com', '--password', 'a long secret pw', '--organisation', 'Initech', '--role', 'owner'],
      here(),
    );
    expect(role.code).toBe(2);

    // The password works against the real log-in.
    const database = await openDatabase({ dataDir: pair.stack.dataDir });
    try {
      const { buildApp } = await import('../../src/server/app.ts');
      const app = await buildApp({ config: pair.stack.config, db: database.db, masterKey: Buffer.alloc(32) }, { logger: false });
      const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'ops@example.com', password: 'a long secret pw' } });
      expect(login.statusCode).toBe(200);
      await app.close();
      // The embedded store refuses a second process while this one has it open.
      const busy = await cli(['connections', 'list'], here());
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/is in use by process \d+/);
    } finally {
      await database.close();
    }
  }, 180_000);

  it('export → import into an empty database → rotate-secret-key with the previous key → sync works with the new key only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-cli-'));
    dirs.push(dir);
    const file = join(dir, 'export.json');
    const exported = await cli(['export', '--output', file], here());
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(await readFile(file, 'utf8'));
    expect(data.format).toBe('support-fusion-export');
    expect(data.tables.connections).toHaveLength(1);
    expect(data.tables.ticket_links.length).toBeGreaterThan(0);
    expect(data.migrations[0]).toBe('0001_organisations_users_platform');

    // The destination: PostgreSQL when a test server is configured (the embedded → PostgreSQL move), else a fresh data directory.
    const oldKey = (await readFile(join(pair.stack.dataDir, 'master.key'), 'utf8')).trim();
    const newKey = randomBytes(32).toString('hex');
    if (testDatabaseUrl) {
      const temp = await createTempDatabase();
      target = { env: { DATABASE_URL: temp.url, SF_DATA_DIR: join(dir, 'unused') }, close: temp.drop };
    } else {
      target = { env: { SF_DATA_DIR: join(dir, 'data') }, close: async () => {} };
    }
    const imported = await cli(['import', file], { ...target.env, SF_SECRET_KEY: oldKey });
    expect(imported.code, imported.stderr).toBe(0);
    const rowCount = Object.values(data.tables as Record<string, unknown[]>).reduce((n, t) => n + t.length, 0);
    expect(imported.stdout).toContain(`Imported ${rowCount} rows`);
    const twice = await cli(['import', file], { ...target.env, SF_SECRET_KEY: oldKey });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/not empty/);
    expect(await cli(['import', join(dir, 'nope.json')], target.env)).toMatchObject({ code: 2 });

    // Same data on the other side.
    const listed = JSON.parse((await cli(['connections', 'list', '--json'], { ...target.env, SF_SECRET_KEY: oldKey })).stdout);
    expect(listed.map((c: { id: string; syncState: string }) => [c.id, c.syncState])).toEqual([[pair.connectionId, 'ready_for_automatic_sync']]);

    // Rotation: the new key encrypts, the old one only decrypts.
    const keys = { ...target.env, SF_SECRET_KEY: newKey, SF_SECRET_KEY_PREVIOUS: oldKey };
    const dry = await cli(['rotate-secret-key', '--dry-run'], keys);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would re-encrypt 2 value\(s\)/);
    const rotated = await cli(['rotate-secret-key'], keys);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/re-encrypted 2 value\(s\); 0 already under the current key/);
    expect(rotated.stdout).toMatch(/remove SF_SECRET_KEY_PREVIOUS/);
    const db = await openDatabase({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.SF_DATA_DIR! });
    try {
      const configs = await db.db.selectFrom('platform_configs').select(['organisation_id', 'api_key_ciphertext']).execute();
      expect(configs).toHaveLength(2);
      for (const c of configs) {
        expect(decryptSecret(parseSecretKey(newKey), c.api_key_ciphertext, c.organisation_id)).toMatch(/\S/);
        expect(() => decryptSecret(parseSecretKey(oldKey), c.api_key_ciphertext, c.organisation_id)).toThrow();
      }
    } finally {
      await db.close();
    }
    const rerun = await cli(['rotate-secret-key'], keys);
    expect(rerun.stdout).toMatch(/re-encrypted 0 value\(s\); 2 already under the current key/);
    // Without the old key, everything still decrypts: a sync reaches both platforms.
    pair.source.sim.faults.set({ status5xx: null });
    const synced = await cli(['sync', pair.connectionId, '--json'], { ...target.env, SF_SECRET_KEY: newKey });
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout).status).toMatch(/^(success|no_tickets)$/);
    // A key that opens nothing: reported, exit 1.
    const wrong = await cli(['rotate-secret-key'], { ...target.env, SF_SECRET_KEY: randomBytes(32).toString('hex') });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/2 value\(s\) open with no known key/);
  }, 300_000);

  it('rotate-secret-key --generate replaces the generated key file; the product still decrypts', async () => {
    const before = (await readFile(join(pair.stack.dataDir, 'master.key'), 'utf8')).trim();
    const r = await cli(['rotate-secret-key', '--generate'], here());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/re-encrypted 2 value\(s\)/);
    const after = (await readFile(join(pair.stack.dataDir, 'master.key'), 'utf8')).trim();
    expect(after).not.toBe(before);
    expect((await readFile(join(pair.stack.dataDir, 'master.key.previous'), 'utf8')).trim()).toBe(before);
    const db = await openDatabase({ dataDir: pair.stack.dataDir });
    try {
      for (const c of await db.db.selectFrom('platform_configs').select(['organisation_id', 'api_key_ciphertext']).execute()) {
        expect(() => decryptSecret(parseSecretKey(after), c.api_key_ciphertext, c.organisation_id)).not.toThrow();
      }
    } finally {
      await db.close();
    }
    const migrate = await cli(['migrate'], here());
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/^Database is up to date at \d{4}_\w+ \(\d+ migrations, embedded storage\)$/m);
  }, 180_000);
});
