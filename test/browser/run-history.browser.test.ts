/**
 * Sync history and run details in a browser, against the real app and two Freshservice simulators: the
 * history loads older runs page by page ("Load more runs") with no cap; a run's tickets show their subjects,
 * are searchable by subject, link to their helpdesk (the partner's while it shares links), and the provider whose platform refused the
 * creates sees the failures and retries them all at once. Every state is checked with axe-core.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot, seriousAxeViolations } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Sync history pages and run details with subjects', () => {
  let pair: SyncPair;
  let browser: Browser;
  let acme: Page;
  let globex: Page;
  let runId = '';
  const OLD_RUNS = 230;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    pair = await startSyncPair({ stack: { listen: true } });
    // Globex's platform refuses every create: the run is Partial, each failure a row both sides see.
    pair.target.sim.faults.set({
      rules: [
        {
          method: 'POST',
          pathPattern: '^/api/v2/tickets$',
          status: 400,
          body: { description: 'Validation failed', errors: [{ field: 'group_id', message: 'Group does not exist', code: 'invalid_value' }] },
        },
      ],
    });
    const run = await pair.sync();
    expect(run.status).toBe('partial');
    runId = run.id;
    // More runs than one page of the history holds, all within the last 30 days.
    const base = Date.now() - 20 * 86_400_000;
    await pair.stack.database.db
      .insertInto('sync_runs')
      .values(
        Array.from({ length: OLD_RUNS }, (_, i) => ({
          connection_id: pair.connectionId,
          trigger: 'automatic',
          status: 'no_tickets',
          started_at: new Date(base + i * 60_000),
          finished_at: new Date(base + i * 60_000 + 500),
        })),
      )
      .execute();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const viewport = { width: 1280, height: 900 };
    const [a, b] = await Promise.all([browser.newContext({ viewport, locale: 'en-US' }), browser.newContext({ viewport, locale: 'en-US' })]);
    await a.addCookies([{ name: 'sf_session', value: pair.source.auth.authorization!.slice(7), url: pair.stack.url, httpOnly: true, sameSite: 'Lax' }]);
    await b.addCookies([{ name: 'sf_session', value: pair.target.auth.authorization!.slice(7), url: pair.stack.url, httpOnly: true, sameSite: 'Lax' }]);
    [acme, globex] = await Promise.all([a.newPage(), b.newPage()]);
    for (const p of [acme, globex]) p.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  }, 180_000);

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await Promise.allSettled([shoot(acme, 'failed-run-history-acme'), shoot(globex, 'failed-run-history-globex')]);
  });

  afterAll(async () => {
    await browser?.close();
    await pair?.close();
  });

  it('the history shows 100 runs, then loads older ones page by page until all are shown', async () => {
    await acme.goto(`${pair.stack.url}/sync?period=30d`);
    const rows = acme.getByRole('region', { name: 'Sync runs' }).locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(100);
    await expect.poll(() => acme.getByRole('status').filter({ hasText: 'Showing the newest 100 runs' }).count()).toBe(1);
    expect(await seriousAxeViolations(acme)).toEqual([]);
    const more = acme.getByRole('button', { name: 'Load more runs' });
    await more.click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(200);
    await more.click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(OLD_RUNS + 1);
    await expect.poll(() => acme.getByText(`All ${OLD_RUNS + 1} runs shown`).count()).toBe(1);
    expect(await more.count()).toBe(0);
    // The newest is the real run, the oldest the first inserted; none twice.
    const first = await rows.first().innerText();
    expect(first).toMatch(/Partial/);
    expect(await seriousAxeViolations(acme)).toEqual([]);
  }, 180_000);

  it('a run shows subjects beside the ticket numbers, searchable; tickets link to their helpdesk', async () => {
    await acme.goto(`${pair.stack.url}/sync/${runId}`);
    const tickets = acme.getByRole('region', { name: 'Tickets' });
    await tickets.locator('tbody tr').first().waitFor();
    const subject = 'Laptop battery swelling';
    const id = ticketsOf(pair.source.sim).find((t) => t.subject === subject)!.id;
    const row = tickets.locator('tbody tr').filter({ hasText: subject });
    expect(await row.locator('td[data-label="Subject"]').innerText()).toBe(subject);
    const open = row.getByRole('link', { name: `Open source ticket #${id} in its helpdesk (new tab)` });
    expect(await open.getAttribute('href')).toBe(`${pair.source.sim.url}/a/tickets/${id}`);
    expect(await open.getAttribute('target')).toBe('_blank');
    await acme.getByLabel('Search tickets').fill('battery');
    await expect.poll(() => tickets.locator('tbody tr').count()).toBe(1);
    expect(await seriousAxeViolations(acme)).toEqual([]);
    // The provider sees the same failure and subject; Acme shares its ticket links (the default), so Globex may open it.
    await globex.goto(`${pair.stack.url}/sync/${runId}`);
    const theirs = globex.getByRole('region', { name: 'Tickets' }).locator('tbody tr').filter({ hasText: subject });
    await theirs.waitFor();
    expect(await theirs.innerText()).toMatch(/Group does not exist|group_id/);
    expect(await theirs.getByRole('link', { name: `Open source ticket #${id} in its helpdesk (new tab)` }).getAttribute('href')).toBe(
      `${pair.source.sim.url}/a/tickets/${id}`,
    );
    expect(await theirs.getByRole('link', { name: `Timeline of source ticket #${id}` }).count()).toBe(1);
  }, 120_000);

  it('the provider fixes the cause and retries all failed tickets of the run with one button', async () => {
    pair.target.sim.faults.set({ rules: [] });
    const failed = await globex.getByRole('region', { name: 'Tickets' }).locator('tbody tr.row--failed').count();
    expect(failed).toBeGreaterThan(1);
    const csv = globex.getByRole('link', { name: 'Download CSV' });
    expect(await csv.getAttribute('href')).toBe(`/api/v1/sync-runs/${runId}/details.csv`);
    await globex.getByRole('button', { name: `Retry all failed (${failed})` }).click();
    const started = globex.getByRole('status').filter({ hasText: `Retry started for ${failed} tickets` });
    await started.waitFor({ timeout: 30_000 });
    expect(await seriousAxeViolations(globex)).toEqual([]);
    await started.getByRole('link', { name: 'follow the run' }).click();
    await globex.getByRole('heading', { name: 'Sync details' }).waitFor();
    const created = globex.getByRole('region', { name: 'Tickets' }).locator('tbody tr').filter({ hasText: 'Created' });
    await expect.poll(() => created.count(), { timeout: 60_000 }).toBe(failed);
    // Now linked: each copy in Globex's helpdesk opens from Globex's page.
    expect(
      await created
        .first()
        .getByRole('link', { name: /^Open target ticket #\d+ in its helpdesk/ })
        .count(),
    ).toBe(1);
    expect(await seriousAxeViolations(globex)).toEqual([]);
  }, 120_000);
});
