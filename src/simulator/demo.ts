import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/env.ts';
import { onFreePort } from '../free-port.ts';
import { startRuntime } from '../runtime.ts';
import { buildApp } from '../server/app.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from './freshservice/index.ts';

export const DEMO_PASSWORD = 'demo-password-1';
const PASSWORD = DEMO_PASSWORD;
/** The demo's two organisations, each on its own simulated Freshservice (these ports when free, else any free one). */
export const DEMO_ORGS = [
  { name: 'Acme Corp', email: 'admin@acme.example', sim: 'acme', port: 4010, seed: 'demo' as const },
  { name: 'Globex IT Services', email: 'admin@globex.example', sim: 'globex', port: 4011, seed: 'empty' as const },
];
const ORGS = DEMO_ORGS;

// The demo reads whatever JSON each route answers; the routes' own tests pin their shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InjectCall = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, token?: string) => Promise<any>;

/** API calls through `inject` as a signed-in user (bearer token); anything but 2xx throws with `what` in front. */
export function injectCaller(app: FastifyInstance, what: string): InjectCall {
  return async (method, url, payload, token) => {
    const r = await app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (r.statusCode >= 300) throw new Error(`${what}: ${method} ${url} → ${r.statusCode} ${r.body}`);
    return r.json();
  };
}

/**
 * Signs up the demo organisations, saves and tests their platform settings against `sims` (same order as
 * DEMO_ORGS), and connects them (Acme = source, Globex = target). Returns each one's session token.
 */
export async function setUpDemoOrganisations(call: InjectCall, sims: FreshserviceSimulator[]): Promise<{ tokens: [string, string]; connectionId: string }> {
  const tokens: string[] = [];
  for (const [i, o] of DEMO_ORGS.entries()) {
    await call('POST', '/api/v1/signup', { organisation: o.name, email: o.email, password: DEMO_PASSWORD });
    const { token } = await call('POST', '/api/v1/session', { email: o.email, password: DEMO_PASSWORD });
    await call('PUT', '/api/v1/platform', { platform: 'freshservice', apiUrl: sims[i]!.url, apiKey: sims[i]!.keyFor('admin') }, token);
    await call('POST', '/api/v1/platform/test', {}, token);
    tokens.push(token);
  }
  const conn = await call('POST', '/api/v1/connections', { role: 'source', contractName: 'Acme managed IT' }, tokens[0]);
  await call('POST', '/api/v1/connections/accept', { verificationCode: conn.verificationCode }, tokens[1]);
  return { tokens: tokens as [string, string], connectionId: conn.id as string };
}

/**
 * `npm run demo`: two simulated Freshservice accounts (Acme with seeded tickets, Globex empty), the app
 * on embedded storage in a throw-away data directory, and two organisations already connected
 * (Acme = source, Globex = target). A newcomer logs in, presses "Sync now", and watches tickets move.
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'support-fusion-demo-'));
  // The demo always runs on embedded storage, whatever DATABASE_URL says: it must leave nothing behind.
  const { DATABASE_URL: _ignored, ...rest } = env;
  const config = loadConfig({ ...rest, SF_DATA_DIR: dataDir, SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_LOG_LEVEL: env.SF_LOG_LEVEL ?? 'warn' });
  const taken: string[] = [];
  const sims: FreshserviceSimulator[] = [];
  for (const o of ORGS) {
    sims.push(
      await onFreePort(
        o.port,
        (port) => startFreshserviceSimulator({ name: o.sim, port, seed: o.seed }),
        (p) => taken.push(`${o.name}'s simulated Freshservice: port ${p} is taken`),
      ),
    );
  }
  const runtime = await startRuntime({ ...config, role: 'all' });
  const app = await buildApp(runtime.ctx);

  await setUpDemoOrganisations(injectCaller(app, 'demo setup'), sims);

  await onFreePort(
    config.port,
    (port) => app.listen({ port, host: config.host }),
    (p) => taken.push(`Support Fusion: port ${p} (SF_PORT) is taken`),
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const moved = taken.map((t) => `  ${t}: a free port was taken instead (the addresses below are the ones in use).\n`).join('');
  console.log(`
${moved}${moved ? '\n' : ''}Support Fusion demo is running at ${base}

  Log in as the customer:  ${ORGS[0]!.email} / ${PASSWORD}   (Acme Corp, source, ${sims[0]!.url})
  Log in as the provider:  ${ORGS[1]!.email} / ${PASSWORD}   (Globex IT Services, target, ${sims[1]!.url})

  Connections → "Acme managed IT" → Sync now, then watch Sync history.
  Acme's simulated Freshservice has seeded tickets; Globex's starts empty. Inspect either with
  curl -u ${sims[0]!.keyFor('admin')}:X ${sims[0]!.url}/api/v2/tickets

Everything lives in ${dataDir} and is deleted on Ctrl+C.
`);
  const stop = async () => {
    await app.close();
    await runtime.close();
    for (const s of sims) await s.close();
    await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
