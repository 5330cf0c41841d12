import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTempDatabase, testDatabaseUrl } from '../helpers/postgres.ts';
import { freePort } from './ports.ts';

/**
 * Docker is not available here, so the image is checked by what can be checked without it: the
 * Dockerfile's own start command and health check, run exactly as written, from the repository root
 * (what the runtime stage copies to /app), against the built UI; and the compose file's worker command.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const compose = readFileSync(join(root, 'compose.yaml'), 'utf8');

/** The last stage of the Dockerfile: its ENV, USER, HEALTHCHECK and CMD (JSON form). */
function finalStage() {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const last = stages.at(-1)!.replace(/\\\n\s*/g, ' ');
  const env: Record<string, string> = {};
  for (const m of last.matchAll(/^ENV (.+)$/gm)) for (const kv of m[1]!.matchAll(/(\w+)=(\S+)/g)) env[kv[1]!] = kv[2]!;
  const json = (re: RegExp) => JSON.parse(re.exec(last)![1]!) as string[];
  return {
    count: stages.length,
    from: stages.at(-1)!.split(/\s/)[0],
    env,
    user: /^USER (\S+)$/m.exec(last)?.[1],
    healthcheck: json(/^HEALTHCHECK .*?CMD (\[.*\])$/m),
    cmd: json(/^CMD (\[.*\])$/m),
    copiesFromBuild: [...last.matchAll(/^COPY --from=build \S+ (\S+)$/gm)].map((m) => m[1]),
  };
}

function run(argv: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SF_') && k !== 'DATABASE_URL'));
  const child = spawn(argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), {
    cwd: root,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

async function until(fn: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out: ${what}`);
}

describe('compose secrets', () => {
  it("the compose file's commands make secrets every container user can read, inside a directory only the admin can enter", async () => {
    // The commands exactly as the compose file's header gives them, run by the admin (any uid) in a scratch copy.
    const commands = [...compose.matchAll(/^# {3}(.+)$/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const dir = await mkdtemp(join(tmpdir(), 'sf-compose-'));
    try {
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', `umask 077\n${commands.join('\n')}`], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const secrets = [...compose.matchAll(/^ {2}(\w+):\n {4}file: \.\/secrets\/(\w+)$/gm)].map((m) => m[2]!);
      expect(secrets.sort()).toEqual(['database_url', 'postgres_password', 'sf_secret_key']);
      for (const name of secrets) {
        const mode = statSync(join(dir, 'secrets', name)).mode & 0o777;
        // Compose bind-mounts file secrets with the host's owner and mode (uid/gid/mode are not applied to
        // them), and the app (uid 1000) and postgres (uid 70) read them as themselves: others' read bit.
        expect(mode & 0o004, `${name} has mode ${mode.toString(8)}`).toBe(0o004);
        expect(mode & 0o022, `${name} must not be writable by others`).toBe(0);
      }
      expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('container image', () => {
  it('is multi-stage, runs as a non-root user, checks /api/v1/health, builds the UI in the build stage', () => {
    const s = finalStage();
    expect(s.count).toBeGreaterThanOrEqual(2);
    // The current Node.js LTS in every stage (20 reached end of life in April 2026).
    expect(s.from).toMatch(/^node:24-/);
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(expect.arrayContaining([expect.stringMatching(/^node:24-/)]));
    expect(dockerfile).not.toMatch(/^FROM node:20/m);
    expect(s.user).toBeDefined();
    expect(['root', '0']).not.toContain(s.user);
    expect(s.copiesFromBuild).toEqual(expect.arrayContaining(['./node_modules', './dist']));
    expect(dockerfile).toMatch(/RUN npm run build:web/);
    expect(s.healthcheck).toEqual(['node', 'bin/healthcheck.mjs']);
    expect(readFileSync(join(root, 'bin/healthcheck.mjs'), 'utf8')).toContain('/api/v1/health`');
    expect(s.env).toMatchObject({ SF_HOST: '0.0.0.0', SF_DATA_DIR: '/data' });
    // Every file the start command needs is copied into the runtime stage.
    for (const needed of ['package.json', 'bin', 'src']) expect(dockerfile).toMatch(new RegExp(`^COPY ${needed} `, 'm'));
  });

  it("the image's CMD, run as written, serves the UI and /api/v1/health; its HEALTHCHECK passes; SIGTERM exits 0", async () => {
    expect(existsSync(join(root, 'dist/web/index.html')), 'build the UI first (npm run build:web; npm test does)').toBe(true);
    const s = finalStage();
    const dataDir = await mkdtemp(join(tmpdir(), 'sf-image-'));
    const port = String(await freePort());
    const env = { ...s.env, SF_DATA_DIR: dataDir, SF_PORT: port, SF_LOG_LEVEL: 'info' };
    const p = run(s.cmd, env);
    try {
      await until(async () => (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status === 200, `health on ${port}:\n${p.output()}`);
      expect(await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()).toMatchObject({ status: 'ok' });
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/health/ready`)).status).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
      // Logs are JSON lines when not on a terminal (as in a container).
      const line = p
        .output()
        .split('\n')
        .find((l) => l.includes('Support Fusion is running'))!;
      expect(JSON.parse(line)).toMatchObject({ level: 30 });
      const hc = spawnSync(process.execPath, s.healthcheck.slice(1), { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
      expect(hc.status).toBe(0);
      const down = spawnSync(process.execPath, [...s.healthcheck.slice(1), '1'], { cwd: root, encoding: 'utf8' });
      expect(down.status).toBe(1);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
      await p.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(!testDatabaseUrl)(
    "compose's worker command: metrics and health on SF_METRICS_PORT, SIGTERM exits 0",
    async () => {
      expect(compose).toMatch(/command: \["node", "bin\/support-fusion\.mjs", "worker"\]/);
      expect(compose).toMatch(/replicas: 2/);
      expect(compose).toMatch(/test: \["CMD", "node", "bin\/healthcheck\.mjs", "9464"\]/);
      const temp = await createTempDatabase();
      const metricsPort = String(await freePort());
      const p = run(['node', 'bin/support-fusion.mjs', 'worker'], {
        ...finalStage().env,
        DATABASE_URL: temp.url,
        SF_HOST: '127.0.0.1',
        SF_METRICS_PORT: metricsPort,
        SF_SECRET_KEY: 'c'.repeat(64),
        SF_SHUTDOWN_TIMEOUT_SECONDS: '5',
      });
      try {
        await until(async () => (await fetch(`http://127.0.0.1:${metricsPort}/api/v1/health`)).status === 200, `worker health:\n${p.output()}`);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/health/ready`)).status).toBe(200);
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(metrics).toMatch(/^# TYPE sf_platform_api_calls_total counter$/m);
        expect(metrics).toMatch(/^# TYPE sf_sync_job_duration_seconds histogram$/m);
        // Cluster gauges are the web process's; a worker reports only what it does.
        expect(metrics).not.toMatch(/^sf_sync_runs\{/m);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/elsewhere`)).status).toBe(404);
        const hc = spawnSync(process.execPath, ['bin/healthcheck.mjs', metricsPort], { cwd: root, encoding: 'utf8' });
        expect(hc.status).toBe(0);
        const sentAt = Date.now();
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
        expect(Date.now() - sentAt).toBeLessThan(6_500);
        expect(p.output()).toMatch(/"msg":"worker stopped"/);
      } finally {
        p.child.kill('SIGKILL');
        await p.exited;
        await temp.drop();
      }
    },
    180_000,
  );
});
