/**
 * `npm run screenshots`: PNGs of every page with demo data, into docs/screenshots/ (used by the README).
 *
 * Starts what `npm run demo` starts — two simulated Freshservice accounts (Acme with seeded tickets,
 * Globex empty), Support Fusion on embedded storage in a throw-away directory, two organisations
 * connected — on free ports, runs a first sync (one ticket made to fail, then retried, so the run
 * details and the ticket timeline have something to show), and drives /usr/bin/chromium through
 * playwright-core over every page. A third organisation on a simulated Jira Service Management site shows
 * Settings with Jira after a passed Test Connection. Leaves nothing behind but the images.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../src/config/env.ts';
import { DEMO_ORGS, DEMO_PASSWORD, injectCaller, setUpDemoOrganisations } from '../src/simulator/demo.ts';
import { startRuntime } from '../src/runtime.ts';
import { buildApp } from '../src/server/app.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../src/simulator/freshservice/index.ts';
import { startJiraSimulator } from '../src/simulator/jira/index.ts';

const OUT = 'docs/screenshots';
const CHROMIUM = process.env.SF_CHROMIUM ?? '/usr/bin/chromium';
const ORGS = DEMO_ORGS;
/** A ticket of the demo seed that fails the first sync (its read is refused) and is then retried. */
const FAILING_SUBJECT = 'Laptop battery swelling';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first (npm run screenshots does)');
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set SF_CHROMIUM, or apt-get install -y chromium)`);
  await mkdir(OUT, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'support-fusion-screenshots-'));
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const config = loadConfig({ ...env, SF_DATA_DIR: dataDir, SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_LOG_LEVEL: 'warn' });
  const sims: FreshserviceSimulator[] = [];
  for (const o of ORGS) sims.push(await startFreshserviceSimulator({ name: o.sim, seed: o.seed }));
  const jira = await startJiraSimulator({ site: 'initech', seed: 'demo' });
  const runtime = await startRuntime({ ...config, role: 'all' });
  const app = await buildApp(runtime.ctx, { logger: false });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const call = injectCaller(app, 'screenshots setup');
    const { tokens, connectionId } = await setUpDemoOrganisations(call, sims);
    const [acme] = tokens;

    const waitForRun = async (runId: string) => {
      for (let i = 0; i < 1200; i++) {
        const run = await call('GET', `/api/v1/sync-runs/${runId}`, undefined, acme);
        if (run.status !== 'running') return run;
        await sleep(100);
      }
      throw new Error(`run ${runId} did not finish`);
    };

    // The first (baseline) sync, with one ticket whose read the platform refuses: a Failed row to look at.
    const victim = [...sims[0]!.state.tickets.values()].find((t) => t.subject === FAILING_SUBJECT);
    if (!victim) throw new Error(`the demo seed has no ticket "${FAILING_SUBJECT}"`);
    sims[0]!.faults.set({
      rules: [
        {
          method: 'GET',
          pathPattern: `^/api/v2/tickets/${victim.id}$`,
          status: 403,
          body: { code: 'access_denied', message: 'You are not authorized to perform this action.' },
        },
      ],
    });
    const started = await call('POST', `/api/v1/connections/${connectionId}/sync-runs`, { since: new Date(Date.now() - 30 * 86_400_000).toISOString() }, acme);
    const firstRun = await waitForRun(started.id);
    sims[0]!.faults.clear();
    // Retried once the agent may read it again: its timeline shows the failure, the retry and the create.
    const retry = await call('POST', `/api/v1/connections/${connectionId}/tickets/source/${victim.id}/retry`, {}, acme);
    await waitForRun(retry.id);
    await call('PUT', `/api/v1/connections/${connectionId}/automatic-sync`, { enabled: true }, acme);
    // People for the Members page, and an invitation link for the invite page.
    const invitation = await call('POST', '/api/v1/invitations', { role: 'member', email: 'casey@acme.example' }, acme);
    await call('POST', '/api/v1/invitations', { role: 'viewer', email: 'robin@acme.example' }, acme);
    // An organisation on Jira Service Management, its integration account tested.
    await call('POST', '/api/v1/signup', { organisation: 'Initech Service Desk', email: 'admin@initech.example', password: DEMO_PASSWORD });
    const { token: initech } = await call('POST', '/api/v1/session', { email: 'admin@initech.example', password: DEMO_PASSWORD });
    await call(
      'PUT',
      '/api/v1/platform',
      { platform: 'jira_service_management', apiUrl: jira.url, credentials: { email: jira.emailFor('admin'), apiToken: jira.tokenFor('admin') } },
      initech,
    );
    const jiraTest = await call('POST', '/api/v1/platform/test', {}, initech);
    if (!jiraTest.ok) throw new Error(`Test Connection with the Jira simulator failed: ${JSON.stringify(jiraTest.error)}`);

    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const newContext = async (token?: string): Promise<BrowserContext> => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/London', deviceScaleFactor: 1 });
      if (token) await ctx.addCookies([{ name: 'sf_session', value: token, url: base, httpOnly: true, sameSite: 'Lax' }]);
      return ctx;
    };
    const shots: string[] = [];
    const shoot = async (page: Page, name: string, path: string, ready: (p: Page) => Promise<unknown>) => {
      await page.goto(`${base}${path}`);
      await ready(page);
      await page.waitForLoadState('networkidle').catch(() => {});
      await sleep(400); // charts settle after their data arrives
      const file = `${OUT}/${name}.png`;
      // Sticky bars would be drawn where the viewport ends, in the middle of a full-page image. The app's
      // Content-Security-Policy refuses an injected style sheet, so they are unstuck through the CSSOM.
      await page.evaluate(() => {
        for (const el of document.querySelectorAll<HTMLElement>('.topbar, .savebar')) el.style.setProperty('position', 'static', 'important');
      });
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      shots.push(file);
      console.log(`  ${file}`);
    };
    const h1 = (name: string | RegExp) => (p: Page) => p.getByRole('heading', { level: 1, name }).waitFor({ timeout: 20_000 });

    const visitor = await (await newContext()).newPage();
    await shoot(visitor, '01-login', '/login', h1(/log in/i));
    await shoot(visitor, '02-sign-up', '/signup', h1(/sign up|create/i));
    const { pathname } = new URL(invitation.url as string);
    await shoot(visitor, '13-invite', pathname, (p) => p.getByRole('heading', { level: 1 }).waitFor({ timeout: 20_000 }));

    const page = await (await newContext(acme)).newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await shoot(page, '03-dashboard', '/dashboard', async (p) => {
      await h1('Dashboard')(p);
      await p.locator('.recharts-surface').first().waitFor({ timeout: 20_000 });
    });
    await shoot(page, '04-settings', '/settings', async (p) => {
      await h1('Settings')(p);
      await p
        .getByText(/connection (test )?(passed|succeeded|successful)|all checks passed|connected/i)
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(() => {});
    });
    await shoot(page, '05-connections', '/connections', async (p) => {
      await h1('Connections')(p);
      await p.getByText('Acme managed IT').first().waitFor();
    });
    await shoot(page, '06-connection-configuration', `/connections/${connectionId}`, async (p) => {
      await h1('Acme managed IT')(p);
      await p.getByRole('button', { name: /save/i }).first().waitFor({ timeout: 20_000 });
    });
    await shoot(page, '07-mappings', `/connections/${connectionId}/mappings`, async (p) => {
      await h1('Acme managed IT')(p);
      await p.getByRole('heading', { name: 'Description builder' }).waitFor({ timeout: 20_000 });
    });
    await shoot(page, '08-sync-tab', `/connections/${connectionId}/sync`, async (p) => {
      await h1('Acme managed IT')(p);
      await p.getByRole('button', { name: 'Sync now', exact: true }).waitFor({ timeout: 20_000 });
    });
    await shoot(page, '09-sync-history', '/sync', async (p) => {
      await h1(/sync/i)(p);
      await p.getByRole('table').first().waitFor({ timeout: 20_000 });
    });
    await shoot(page, '10-run-details', `/sync/${firstRun.id}`, async (p) => {
      await h1('Sync details')(p);
      await p.getByRole('table').first().waitFor({ timeout: 20_000 });
    });
    await shoot(page, '11-ticket-timeline', `/connections/${connectionId}/tickets/source/${victim.id}`, async (p) => {
      await h1(`Ticket #${victim.id}`)(p);
      await p.locator('.timeline__item').first().waitFor({ timeout: 20_000 });
    });
    await shoot(page, '12-members', '/members', async (p) => {
      await h1('Members')(p);
      await p.getByText('casey@acme.example').first().waitFor({ timeout: 20_000 });
    });
    await shoot(page, '14-audit-log', '/audit-log', async (p) => {
      await h1(/audit/i)(p);
      await p.getByRole('table').first().waitFor({ timeout: 20_000 });
    });
    const jiraPage = await (await newContext(initech)).newPage();
    await shoot(jiraPage, '15-settings-jira', '/settings', async (p) => {
      await h1('Settings')(p);
      await p.getByText('Connection tested').first().waitFor({ timeout: 20_000 });
    });
    console.log(`${shots.length} screenshots in ${OUT}/`);
  } finally {
    await browser.close();
    await app.close();
    await runtime.close();
    for (const s of sims) await s.close();
    await jira.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
