import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { startBoss } from '../../src/queue/boss.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { buildApp } from '../../src/server/app.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { engineDeps } from '../../src/sync/deps.ts';
import { startSyncQueue, type SyncJobs } from '../../src/sync/jobs.ts';
import { encodingsOf, walk } from './helpers.ts';

/**
 * Secrets: a full sync between two simulated Freshservice accounts, run the way `npm start` runs it
 * (embedded PostgreSQL in a data directory, pg-boss, the product logger at debug level with its
 * redaction), through everything that handles a secret: sign-up, log-in (also failed), platform
 * settings, Test Connection, verification code, webhook URLs and calls, sync, logout. Then the captured
 * log and every file of the data directory are searched for each API key, password, session token,
 * verification code and webhook token in the encodings they could appear in: none may be there.
 */

const lines: string[] = [];
let dataDir: string;
let database: DatabaseHandle;
let boss: PgBoss;
let jobs: SyncJobs;
let app: FastifyInstance;
let sims: FreshserviceSimulator[] = [];
let masterKeyHex = '';
const secrets: Record<string, string> = {};
let runStatus = '';
let logLevel = '';
let created = 0;

async function must(r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.body ? res.json() : null;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sf-secrets-'));
  const config = loadConfig({ SF_DATA_DIR: dataDir, SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_LOG_LEVEL: 'debug', SF_PLATFORM_TIMEOUT_MS: '5000' });
  const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
  masterKeyHex = masterKey.toString('hex');
  database = await openDatabase({ dataDir: config.dataDir });
  const stream = { write: (line: string) => void lines.push(line) };
  // The app's logger (the product's options and redaction) is built first; the engine logs through it as server.ts does.
  let warn: (data: Record<string, unknown>, msg: string) => void = () => {};
  boss = await startBoss(database.boss, { maintenanceIntervalSeconds: 5 });
  const ctx = { config, db: database.db, masterKey };
  jobs = await startSyncQueue(
    boss,
    engineDeps(ctx, (msg, data) => warn(data ?? {}, msg)),
    {
      work: true,
      worker: 'secrets-test',
      locks: database.locks,
      concurrency: 2,
      runTimeoutSeconds: 60,
      tickSeconds: 3600,
      intervalMinutes: 60,
    },
  );
  app = await buildApp({ ...ctx, boss, jobs }, { logStream: stream });
  warn = (data, msg) => app.log.warn(data, msg);
  await app.ready();
  logLevel = app.log.level;

  const acme = await startFreshserviceSimulator({ name: 'acme', seed: 'demo', rateLimit: false });
  const globex = await startFreshserviceSimulator({ name: 'globex', seed: 'empty', rateLimit: false });
  sims = [acme, globex];
  secrets.acmeKey = acme.keyFor('admin');
  secrets.globexKey = globex.keyFor('admin');
  secrets.acmePassword = 'Acme-password-7f3k2-secret';
  secrets.globexPassword = 'Globex-password-9q8w7-secret';
  secrets.wrongPassword = 'Wrong-password-attempt-x1y2';

  const orgs: Array<{ auth: Record<string, string>; email: string }> = [];
  for (const [name, password, sim, key] of [
    ['Acme', secrets.acmePassword, acme, secrets.acmeKey],
    ['Globex', secrets.globexPassword, globex, secrets.globexKey],
  ] as const) {
    const email = `admin@${name.toLowerCase()}.example`;
    await must(app.inject({ method: 'POST', url: '/api/v1/signup', payload: { organisation: name, email, password } }), 201);
    await must(app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password: secrets.wrongPassword } }), 401);
    const { token } = await must(app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } }), 200);
    secrets[`${name}Session`] = token;
    const auth = { authorization: `Bearer ${token}` };
    orgs.push({ auth, email });
    await must(app.inject({ method: 'PUT', url: '/api/v1/platform', headers: auth, payload: { platform: 'freshservice', apiUrl: sim.url, apiKey: key } }), 200);
    const test = await must(app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth }), 200);
    expect(test.ok).toBe(true);
  }
  const [a, b] = orgs as [(typeof orgs)[0], (typeof orgs)[0]];
  // A second session, used by cookie, and logged out at the end.
  const cookieLogin = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password: secrets.acmePassword } });
  const cookieSession = cookieLogin.json().token as string;
  secrets.cookieSession = cookieSession;

  const c = await must(app.inject({ method: 'POST', url: '/api/v1/connections', headers: a.auth, payload: { role: 'source', contractName: 'Secrets' } }), 201);
  secrets.verificationCode = c.verificationCode;
  secrets.verificationCodeCanonical = String(c.verificationCode).replace(/-/g, '');
  await must(app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: b.auth, payload: { verificationCode: c.verificationCode } }), 200);
  // An API override carries a key too.
  secrets.overrideKey = acme.keyFor('admin');
  await must(
    app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${c.id}/configuration`,
      headers: a.auth,
      payload: { configuration: {}, apiOverride: { apiUrl: acme.url, apiKey: secrets.overrideKey } },
    }),
    200,
  );

  for (const [side, auth] of [
    ['source', a.auth],
    ['target', b.auth],
  ] as const) {
    const { url } = await must(app.inject({ url: `/api/v1/connections/${c.id}/webhook`, headers: auth }), 200);
    secrets[`${side}WebhookToken`] = new URL(url).pathname.split('/').pop()!;
  }
  const { url: rotated } = await must(app.inject({ method: 'POST', url: `/api/v1/connections/${c.id}/webhook/rotate`, headers: b.auth }), 200);
  secrets.rotatedWebhookToken = new URL(rotated).pathname.split('/').pop()!;
  // A webhook call, one with a bad body, and one with the old (rotated) token.
  await must(app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${secrets.sourceWebhookToken}`, payload: { ticket_id: 1 } }), 202);
  await must(
    app.inject({
      method: 'POST',
      url: `/api/v1/hooks/freshservice/${secrets.sourceWebhookToken}`,
      payload: '{nope',
      headers: { 'content-type': 'application/json' },
    }),
    400,
  );
  await must(app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${secrets.targetWebhookToken}`, payload: { ticket_id: 1 } }), 404);

  // Secret tokens in URLs, sent every way a browser, a platform or a mistaken admin may send them: the
  // request lines (info level) must print them redacted.
  const invitation = await must(app.inject({ method: 'POST', url: '/api/v1/invitations', headers: a.auth, payload: { role: 'admin' } }), 201);
  secrets.invitationToken = new URL(invitation.url).pathname.split('/').pop()!;
  await tokenUrlsSent(app, { invitation: secrets.invitationToken, webhook: secrets.sourceWebhookToken! });

  // The full sync, worked by pg-boss like in production.
  const started = await must(
    app.inject({
      method: 'POST',
      url: `/api/v1/connections/${c.id}/sync-runs`,
      headers: a.auth,
      payload: { since: new Date(Date.now() - 60 * 86_400_000).toISOString() },
    }),
    202,
  );
  for (let i = 0; i < 600; i++) {
    const run = await must(app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: a.auth }), 200);
    if (run.status !== 'running') {
      runStatus = run.status;
      created = run.counts.created;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Cookie-authenticated reads and writes, and logout.
  await must(app.inject({ url: '/api/v1/connections', cookies: { sf_session: cookieSession } }), 200);
  await must(app.inject({ method: 'DELETE', url: '/api/v1/session', cookies: { sf_session: cookieSession } }), 204);

  // Close everything so the embedded database writes its pages out before the files are searched.
  await app.close();
  await jobs.stop();
  await boss.stop({ graceful: false, wait: true });
  await database.close();
}, 120_000);

afterAll(async () => {
  for (const s of sims) await s.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Every spelling of a URL with a token: method, trailing slash, case, percent-encoding, query parameters. */
let tokenRequests = 0;
async function tokenUrlsSent(app: FastifyInstance, tokens: { invitation: string; webhook: string }): Promise<void> {
  const enc = (t: string) => [...t].map((ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const { invitation: inv, webhook: hook } = tokens;
  const urls = [
    `/invite/${inv}`,
    `/invite/${inv}/`,
    `/INVITE/${inv}`,
    `/inv%69te/${inv}`,
    `/invite%2F${inv}`,
    `//invite//${inv}`,
    `/invite/${enc(inv)}`,
    `/invite/${inv}?utm_source=mail`,
    `/api/v1/invitations/${inv}/preview`,
    `/api/v1/invitations/${inv}/preview/`,
    `/api/v1/invitations/${inv}/accept`,
    `/API/V1/INVITATIONS/${inv}/PREVIEW`,
    `/api/v1/hooks/freshservice/${hook}`,
    `/api/v1/hooks/freshservice/${hook}/`,
    `/api/v1/hooks/FreshService/${hook}`,
    `/api/v1/hooks/freshservice/${enc(hook)}`,
    `/api/v1/hooks/freshservice/${hook}?ticket_id=1`,
    `/api/v1/hooks/${hook}`,
    `/signup?token=${inv}`,
    `/login?Code=${hook}&next=%2F`,
    `/?api_key=${inv}`,
    `/?t%6Fken=${hook}`,
  ];
  for (const url of urls) {
    for (const method of ['GET', 'POST', 'HEAD'] as const) {
      const res = await app.inject({ method, url, ...(method === 'POST' ? { payload: { ticket_id: 1 } } : {}) });
      expect(res.statusCode, `${method} ${url}`).not.toBe(500);
      tokenRequests += 1;
    }
  }
}

/** Each secret in every encoding it could be stored or logged in (also the Basic header a key becomes). */
function needles(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(secrets)) {
    for (const enc of encodingsOf(value)) out.push([name, enc]);
  }
  for (const key of [secrets.acmeKey!, secrets.globexKey!]) out.push(['basic auth header', Buffer.from(`${key}:X`).toString('base64')]);
  return out;
}

describe('secrets', () => {
  it('the sync worked and the log was captured at debug level', () => {
    expect(runStatus).toBe('success');
    expect(created).toBeGreaterThan(0);
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(50);
    expect(logLevel).toBe('debug');
    expect(log).toContain('incoming request');
    expect(log).toContain('webhook accepted');
  });

  it('URLs with tokens were logged, with the token redacted, whatever the method, slash, case or encoding', () => {
    const log = lines.join('');
    expect(tokenRequests).toBeGreaterThan(60);
    // The request lines are there (info level), so the search below does see them.
    const urls = lines
      .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string; method?: string } })
      .filter((l) => l.msg === 'incoming request' && l.req?.url);
    for (const [method, path] of [
      ['GET', '/invite/[redacted]'],
      ['HEAD', '/invite/[redacted]/'],
      ['POST', '/api/v1/hooks/freshservice/[redacted]/'],
      ['GET', '/api/v1/hooks/freshservice/[redacted]'],
      ['GET', '/signup?token=[redacted]'],
    ]) {
      expect(
        urls.some((l) => l.req!.method === method && l.req!.url === path),
        `${method} ${path} logged`,
      ).toBe(true);
    }
    expect(log).not.toContain(secrets.invitationToken);
  });

  it('no secret is in the log, in any encoding', () => {
    const log = lines.join('');
    const found = needles().filter(([, n]) => log.includes(n));
    expect(found.map(([name]) => name)).toEqual([]);
    expect(log).not.toContain(masterKeyHex);
    expect(log).not.toContain(Buffer.from(masterKeyHex, 'hex').toString('base64'));
  });

  it('no secret is in any file of the data directory, in any encoding', async () => {
    const files = await walk(dataDir);
    expect(files.length).toBeGreaterThan(10);
    const list = needles().map(([name, n]) => [name, Buffer.from(n)] as const);
    const found: string[] = [];
    let bytes = 0;
    for (const f of files) {
      const content = await readFile(f);
      bytes += content.length;
      for (const [name, n] of list) if (content.includes(n)) found.push(`${name} in ${f.slice(dataDir.length)}`);
    }
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(found).toEqual([]);
    // The search does see stored data: what is not secret (the platform URL, the e-mail) is found in clear.
    const all = Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
    expect(all.includes(Buffer.from(sims[0]!.url))).toBe(true);
    expect(all.includes(Buffer.from('admin@acme.example'))).toBe(true);
  });
});
