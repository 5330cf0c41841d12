import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InjectOptions, LightMyRequestResponse as LightResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { buildApp } from '../../src/server/app.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

const launcher = fileURLToPath(new URL('../../bin/support-fusion.mjs', import.meta.url));

/** `support-fusion <args>` as its own process, as an operator runs it. */
function cli(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SF_') && k !== 'DATABASE_URL'));
    const child = spawn(process.execPath, [launcher, ...args], { env: { ...clean, SF_LOG_LEVEL: 'warn', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * `users reset-password` (an operator's way back in for a locked-out admin) and the audit of users the
 * command line creates: what the command line does to accounts shows in the organisation's audit log.
 */
describe('users commands', () => {
  let stack: TestStack;
  let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;
  const here = () => ({ SF_DATA_DIR: stack.dataDir });

  beforeAll(async () => {
    stack = await startStack({ listen: false });
    admin = await signUpAndLogIn(stack.app, 'cliusers');
    // The embedded store is one process's: let the CLI have it.
    await stack.app.close();
    await stack.database.close();
  }, 120_000);
  afterAll(async () => {
    if (!stack) return;
    // stack.close() closes the store it believes open: give it one.
    stack.database = await openDatabase({ dataDir: stack.dataDir });
    await stack.close();
  });

  /** The installation's API on the store, for checks between commands. */
  async function withApi<T>(fn: (inject: (o: InjectOptions) => Promise<LightResponse>) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dataDir: stack.dataDir });
    const app = await buildApp({ config: stack.config, db: database.db, masterKey: Buffer.alloc(32) }, { logger: false });
    try {
      return await fn((o) => app.inject(o));
    } finally {
      await app.close();
      await database.close();
    }
  }

  it('--help and usage mistakes: exit 0 with the help, 2 with a message', async () => {
    // None of these opens the store, so they may run side by side.
    const [help, top, noEmail, short] = await Promise.all([
      cli(['users', 'reset-password', '--help'], here()),
      cli(['--help'], here()),
      cli(['users', 'reset-password'], here()),
      cli(['users', 'reset-password', '--email', admin.email, '--password-stdin'], here(), 'short\n'),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: support-fusion users reset-password --email/);
    expect(help.stdout).toMatch(/Exit codes:/);
    expect(top.stdout).toMatch(/^ {2}users reset-password /m);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toMatch(/--email is required/);
    expect(noEmail.stdout).toBe('');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 10 characters/);
  }, 120_000);

  it('reset-password: an unknown e-mail exits 1; a known one gets a temporary password, loses its sessions, and the log records it', async () => {
    const unknown = await cli(['users', 'reset-password', '--email', 'nobody@example.com'], here());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no user has the e-mail nobody@example.com/);

    const r = await cli(['users', 'reset-password', '--email', admin.email.toUpperCase()], here());
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ user: { email: admin.email }, sessionsEnded: 1, temporaryPassword: expect.any(String) });
    expect(out.temporaryPassword.length).toBeGreaterThanOrEqual(16);

    const chosen = await cli(['users', 'reset-password', '--email', admin.email, '--password-stdin'], here(), 'chosen on the command line\n');
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(JSON.parse(chosen.stdout).temporaryPassword).toBeUndefined();

    await withApi(async (inject) => {
      expect((await inject({ url: '/api/v1/me', headers: admin.auth })).statusCode).toBe(401);
      expect(
        (await inject({ method: 'POST', url: '/api/v1/session', payload: { email: admin.email, password: out.temporaryPassword }, remoteAddress: '10.60.0.1' }))
          .statusCode,
      ).toBe(401);
      const login = await inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { email: admin.email, password: 'chosen on the command line' },
        remoteAddress: '10.60.0.2',
      });
      expect(login.statusCode).toBe(200);
      const events = (await inject({ url: '/api/v1/audit-log', headers: { authorization: `Bearer ${login.json().token}` } })).json().events as Array<{
        action: string;
        actor: { id: string | null; email: string };
      }>;
      const resets = events.filter((e) => e.action === 'user.password_reset');
      expect(resets).toHaveLength(2);
      expect(resets[0]!.actor).toMatchObject({ id: null, email: expect.stringMatching(/^command line \(/) });
      expect(JSON.stringify(events)).not.toContain(out.temporaryPassword);
    });
  }, 120_000);

  it('users create is recorded in the audit log of the organisation it joins', async () => {
    const created = await cli(
      ['users', 'create', '--email', 'ops-cli@example.com', '--password-stdin', '--organisation', admin.organisation.id, '--role', 'viewer'],
      here(),
      'a long secret pw\n',
    );
    expect(created.code, created.stderr).toBe(0);
    await withApi(async (inject) => {
      const login = await inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { email: admin.email, password: 'chosen on the command line' },
        remoteAddress: '10.60.0.3',
      });
      const events = (await inject({ url: '/api/v1/audit-log', headers: { authorization: `Bearer ${login.json().token}` } })).json().events as Array<{
        action: string;
        target: { label: string };
        after: { role: string };
      }>;
      const made = events.find((e) => e.action === 'user.created');
      expect(made).toMatchObject({ target: { label: 'ops-cli@example.com' }, after: { role: 'viewer' } });
    });
  }, 120_000);
});
