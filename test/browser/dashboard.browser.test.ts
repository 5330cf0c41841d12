/**
 * Dashboard, live sync progress and run details in a browser, against the real app and two Freshservice
 * simulators: the empty state says what to do; after a sync the dashboard shows the connection's state,
 * facts, recharts charts (days in the browser's time zone) and the API-budget gauge; a running sync's
 * progress bar moves without a page load (Server-Sent Events); the details search filters rows. Every page
 * is checked with axe-core (no serious or critical violations) and driven by the keyboard where it matters.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectTwoOrganisations, signUpAndLogIn, startStack } from '../helpers/stack.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot, seriousAxeViolations } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Simulator = Awaited<ReturnType<typeof startFreshserviceSimulator>>;

const TZ = 'Pacific/Kiritimati'; // UTC+14: its calendar day is rarely the server's

/** axe-core in the page: serious and critical violations, as "rule: target" lines. */
describe.skipIf(!hasChromium)('Dashboard and live progress', () => {
  let stack: Stack;
  let simA: Simulator;
  let simB: Simulator;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let connectionId = '';
  let a: Awaited<ReturnType<typeof signUpAndLogIn>>;
  let lonely: Awaited<ReturnType<typeof signUpAndLogIn>>;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack(),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    a = await signUpAndLogIn(stack.app, 'dasha');
    const b = await signUpAndLogIn(stack.app, 'dashb');
    lonely = await signUpAndLogIn(stack.app, 'dashc');
    connectionId = await connectTwoOrganisations(stack.app, [a, b], [simA, simB]);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TZ });
    page = await ctx.newPage();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await shoot(page, `failed-dashboard-${task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  const signIn = async (token: string) => {
    await ctx.clearCookies();
    await ctx.addCookies([{ name: 'sf_session', value: token, url: stack.url }]);
  };
  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

  it('without connections: the empty state leads to Create a connection; no serious axe violations', async () => {
    await signIn(lonely.token);
    await page.goto(`${stack.url}/`);
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No active connections yet' }).waitFor();
    // Dashboard is the first item of the main navigation, and the current page.
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    expect(await nav.first().innerText()).toBe('Dashboard');
    expect(await nav.first().getAttribute('aria-current')).toBe('page');
    expect(await page.locator('main').innerText()).toContain("save your helpdesk's API URL and credentials in Settings");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'dashboard-empty');
    const create = page.getByRole('link', { name: 'Create a connection…' });
    await create.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/connections');
  });

  it('a running sync shows live progress on the Sync tab, pushed by the server without a page load', async () => {
    await signIn(a.token);
    await page.goto(`${stack.url}/connections/${connectionId}/sync`);
    await page.getByRole('button', { name: 'Sync now', exact: true }).waitFor();
    // A page load would clear this marker.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    simA.faults.set({ latencyMs: 350 }); // a slow platform keeps the run going for a few seconds
    const streams: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/events')) streams.push(r.url());
    });
    try {
      await page.getByRole('button', { name: 'Sync now', exact: true }).click();
      const card = page.locator('section', { has: page.getByRole('heading', { name: 'Sync in progress' }) });
      await card.waitFor({ timeout: 15_000 });
      const bar = card.locator('progress');
      await card.getByText(/of \d+ tickets processed/).waitFor({ timeout: 20_000 });
      const values: number[] = [];
      let checked = false;
      for (let i = 0; i < 80; i++) {
        if (!(await card.isVisible())) break;
        const v = await bar.getAttribute('value').catch(() => null);
        if (v !== null && Number(v) !== values.at(-1)) values.push(Number(v));
        if (values.length === 2 && !checked) {
          checked = true;
          expect(await seriousAxeViolations(page)).toEqual([]);
          await card.scrollIntoViewIfNeeded({ timeout: 2000 }).catch(() => {});
          await shoot(page, 'sync-tab-live-progress', { fullPage: false });
        }
        await page.waitForTimeout(150);
      }
      // The bar moved at least twice while the card was up, and only forwards.
      expect(values.length, `progress values seen: ${values.join(', ')}`).toBeGreaterThanOrEqual(2);
      expect([...values].sort((x, y) => x - y)).toEqual(values);
      expect(streams.some((u) => /\/api\/v1\/sync-runs\/[0-9a-f-]{36}\/events$/.test(u))).toBe(true);
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      // When it ends, the card goes and the finished run is at the top of Recent syncs.
      await card.waitFor({ state: 'detached', timeout: 30_000 });
      await page.locator('table tbody tr').first().locator('.badge', { hasText: 'Success' }).waitFor();
    } finally {
      simA.faults.clear();
    }
  }, 60_000);

  it('the dashboard after a sync: state, facts, charts for 7 and 30 days in the browser’s time zone, the budget gauge', async () => {
    const runs = (await stack.app.inject({ url: `/api/v1/sync-runs?connection=${connectionId}`, headers: a.auth })).json().runs;
    const run = runs[0];
    expect(run.status).toBe('success');
    const dashboardRequest = page.waitForRequest((r) => r.url().includes('/api/v1/dashboard'));
    await page.getByRole('link', { name: 'Dashboard' }).first().click();
    expect(new URL((await dashboardRequest).url()).searchParams.get('tz')).toBe(TZ);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Acme managed IT' }) });
    await card.waitFor();
    expect(await page.locator('main').innerText()).toContain(`(${TZ})`);
    expect(await card.locator('.badge').first().innerText()).toContain('Ready');
    const text = await card.innerText();
    expect(text).toMatch(/Success rate \(7 days\)\s*100%/i);
    expect(text).toContain(`${run.counts.created} created`);
    expect(text).toMatch(/Sync lag\s*\d+ (s|min)/i);
    // recharts drew both charts, one bar stack per day.
    expect(await card.locator('.recharts-wrapper').count()).toBe(2);
    expect(await card.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    // The figures behind a chart, opened with the keyboard: today (in Kiritimati) holds the run's tickets.
    const figures = card.locator('details').nth(1);
    await figures.locator('summary').focus();
    await page.keyboard.press('Enter');
    const rows = figures.locator('tbody tr');
    expect(await rows.count()).toBe(7);
    const [y, m, d] = today().split('-').map(Number);
    const todayLabel = await page.evaluate(
      ([yy, mm, dd]) => new Date(yy!, mm! - 1, dd!, 12).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' }),
      [y, m, d],
    );
    expect(await rows.last().locator('th').innerText()).toBe(todayLabel);
    expect(await rows.last().locator('td').first().innerText()).toBe(String(run.counts.created));
    // 30 days, chosen with the keyboard (arrow keys move between the radio buttons).
    await page.getByRole('radio', { name: 'Last 7 days' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Last 30 days' }).isChecked()).toBe(true);
    await card.locator('figcaption', { hasText: 'Tickets per day, last 30 days' }).waitFor();
    expect(await figures.locator('tbody tr').count()).toBe(30);
    // The gauge of Acme's own Freshservice account (recharts RadialBarChart) and its figures in words.
    const budget = page.locator('section', { has: page.getByRole('heading', { name: 'API budget' }) });
    await budget.getByRole('heading', { name: new URL(simA.url).host }).waitFor();
    expect(await budget.locator('.recharts-radial-bar-sector, .recharts-radial-bar-background-sector').count()).toBeGreaterThan(0);
    expect(await budget.innerText()).toMatch(/\d+ of \d+ API credits used this minute/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'dashboard');
  });

  it('run details: search by ticket number or text and by outcome; an empty result says how to get back', async () => {
    const runs = (await stack.app.inject({ url: `/api/v1/sync-runs?connection=${connectionId}`, headers: a.auth })).json().runs;
    const run = (await stack.app.inject({ url: `/api/v1/sync-runs/${runs[0].id}`, headers: a.auth })).json();
    await page.goto(`${stack.url}/sync/${run.id}`);
    await page.getByRole('heading', { name: 'Sync details' }).waitFor();
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(run.details.length);
    const search = page.getByRole('searchbox', { name: 'Search tickets' });
    // Both helpdesks number their tickets from 1: "#n" finds ticket n on either side, and nothing else.
    const id = run.details[1].targetTicketId as string;
    const expected = run.details.filter((x: { sourceTicketId: string; targetTicketId: string }) => x.sourceTicketId === id || x.targetTicketId === id).length;
    expect(expected).toBeLessThan(run.details.length);
    await search.fill(`#${id}`);
    await expect.poll(() => rows.count()).toBe(expected);
    for (const text of await rows.allInnerTexts()) expect(text.split(/\s+/)).toContain(`#${id}`);
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: `Showing ${expected} of ${run.details.length}` })
        .count(),
    ).toBe(1);
    await search.fill('no such thing anywhere');
    await page.getByText('No ticket of this run matches').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: `Show all ${run.details.length} tickets` }).click();
    await expect.poll(() => rows.count()).toBe(run.details.length);
    await page.getByLabel('Outcome').selectOption('failed');
    await page.getByText('No ticket of this run matches this outcome').waitFor();
    await page.getByLabel('Outcome').selectOption('created');
    await expect.poll(() => rows.count()).toBe(run.details.filter((x: { outcome: string }) => x.outcome === 'created').length);
    await shoot(page, 'sync-details-search');
  });

  it('the run page follows a running sync live: progress bar, phase, and ticket rows appear without a page load', async () => {
    // A change on Acme, so the next run has a ticket to update; a slow platform keeps it going.
    const vpn = [...simA.state.tickets.values()].find((t) => t.subject.startsWith('VPN'))!;
    await new Promise((r) => setTimeout(r, 1100));
    vpn.subject = 'VPN drops every few minutes (again)';
    simA.state.touchTicket(vpn, Date.now());
    simA.faults.set({ latencyMs: 500 });
    try {
      const started = await stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${connectionId}/sync-runs`,
        headers: a.auth,
        payload: { since: new Date(Date.now() - 60 * 86_400_000).toISOString() },
      });
      expect(started.statusCode, started.body).toBe(202);
      const runId = started.json().id;
      await page.goto(`${stack.url}/sync/${runId}`);
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
      const summary = page.getByRole('region', { name: 'Summary' });
      await summary.locator('progress').waitFor();
      await summary
        .getByText(/Listing changed tickets|Syncing tickets|Starting/)
        .first()
        .waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      // The run ends: the badge says so and the updated ticket's row is there, all without a reload.
      await page.locator('header .badge', { hasText: 'Success' }).waitFor({ timeout: 40_000 });
      await page
        .getByRole('region', { name: 'Tickets' })
        .locator('tbody tr', { hasText: `#${vpn.id}` })
        .waitFor();
      expect(await summary.locator('progress').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    } finally {
      simA.faults.clear();
    }
  }, 60_000);

  it('sync history with its filters: an empty result offers to clear them; no serious axe violations', async () => {
    await page.goto(`${stack.url}/sync?connection=${connectionId}&status=failed`);
    await page.getByRole('heading', { name: 'Sync history' }).waitFor();
    await page.getByText('No sync runs match these filters in the last 7 days.').waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('failed');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Show all runs of the last 30 days' }).click();
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('');
    expect(await page.getByLabel('Period').inputValue()).toBe('30d');
    expect(new URL(page.url()).search).toBe('?period=30d');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('sync history of an organisation without connections says to create one first', async () => {
    await signIn(lonely.token);
    await page.goto(`${stack.url}/sync`);
    await page.getByText('No sync runs yet:').waitFor();
    expect(await page.getByRole('link', { name: 'create a connection' }).getAttribute('href')).toBe('/connections');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
