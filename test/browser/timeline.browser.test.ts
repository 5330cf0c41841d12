/**
 * The ticket timeline in a browser, against the real app and two Freshservice simulators: from a run's
 * details a failed ticket's number opens its timeline (steps newest first, the error, the request
 * summaries, times in the browser's time zone); Retry, once the cause is gone, creates its copy and the
 * page follows the run; Resync appears once the ticket is linked; a viewer sees the buttons disabled.
 * Every state is checked with axe-core (no serious or critical violations).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inviteMember } from '../helpers/members.ts';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot, seriousAxeViolations } from './browser-helpers.ts';

const TZ = 'America/St_Johns'; // UTC-3:30 (or -2:30): a half-hour offset shows whether times are converted

describe.skipIf(!hasChromium)('Ticket timeline, Retry and Resync', () => {
  let pair: SyncPair;
  let browser: Browser;
  let memberCtx: BrowserContext;
  let viewerCtx: BrowserContext;
  let page: Page;
  let viewerPage: Page;
  let runId = '';
  let victimId = 0;
  const victimSubject = 'Laptop battery swelling';

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    pair = await startSyncPair({ stack: { listen: true } });
    const victim = ticketsOf(pair.source.sim).find((t) => t.subject === victimSubject)!;
    victimId = victim.id;
    pair.source.sim.faults.set({
      rules: [
        {
          method: 'GET',
          pathPattern: `^/api/v2/tickets/${victim.id}$`,
          status: 403,
          body: { code: 'access_denied', message: 'You are not authorized to perform this action.' },
        },
      ],
    });
    const run = await pair.sync();
    expect(run.status).toBe('partial');
    runId = run.id;
    const member = await inviteMember(pair.stack.app, pair.source.auth, 'member', 'tlb');
    const viewer = await inviteMember(pair.stack.app, pair.source.auth, 'viewer', 'tlb');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const viewport = { width: 1200, height: 900 };
    memberCtx = await browser.newContext({ viewport, timezoneId: TZ, locale: 'en-US' });
    viewerCtx = await browser.newContext({ viewport, timezoneId: TZ, locale: 'en-US' });
    await memberCtx.addCookies([{ name: 'sf_session', value: member.token, url: pair.stack.url, httpOnly: true, sameSite: 'Lax' }]);
    await viewerCtx.addCookies([{ name: 'sf_session', value: viewer.token, url: pair.stack.url, httpOnly: true, sameSite: 'Lax' }]);
    [page, viewerPage] = await Promise.all([memberCtx.newPage(), viewerCtx.newPage()]);
    for (const p of [page, viewerPage]) p.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  }, 180_000);

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await Promise.allSettled([shoot(page, 'failed-timeline-member'), shoot(viewerPage, 'failed-timeline-viewer')]);
  });

  afterAll(async () => {
    await browser?.close();
    await pair?.close();
  });

  const timeline = (p: Page) => p.getByRole('list').filter({ has: p.locator('.timeline__item') });

  it('a failed ticket in the run details opens its timeline: the failure, its request, times in the time zone', async () => {
    await page.goto(`${pair.stack.url}/sync/${runId}`);
    const row = page
      .getByRole('row')
      .filter({ hasText: 'Failed' })
      .filter({ hasText: `#${victimId}` });
    await row.waitFor();
    // The ticket numbers are links now: the details page stays clean for axe, and the cell's text is the number.
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await row.locator('th').innerText()).trim()).toBe(`#${victimId}`);
    await row.getByRole('link', { name: `Timeline of source ticket #${victimId}` }).click();
    await page.waitForURL(`**/connections/${pair.connectionId}/tickets/source/${victimId}`);
    await page.getByRole('heading', { name: `Ticket #${victimId}`, level: 1 }).waitFor();
    const items = page.locator('.timeline__item');
    await items.first().waitFor();
    // Newest first: the failure on top, with the error and the call that failed.
    const top = items.first();
    expect(await top.locator('.badge').innerText()).toBe('Failed');
    expect(await top.locator('.timeline__summary').innerText()).toMatch(/403.*lacks access/);
    expect(await top.locator('.timeline__requests').innerText()).toMatch(new RegExp(`getTicket #${victimId} → .*403`));
    // The time is the event's instant in the browser's time zone, which the page names.
    const api = (
      await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/tickets/source/${victimId}/timeline`, headers: pair.source.auth })
    ).json();
    const expected = new Date(api.events[0].at).toLocaleString('en-US', { timeZone: TZ, dateStyle: 'medium', timeStyle: 'medium' });
    expect(await top.locator('time').innerText()).toBe(expected);
    expect(await top.locator('time').getAttribute('datetime')).toBe(api.events[0].at);
    expect(await page.locator('main').innerText()).toContain(`times in ${TZ}`);
    expect(await page.locator('main').innerText()).toMatch(/Waiting to be retried \(1 attempt\)/);
    // Not linked yet: Retry, no Resync.
    await page.getByRole('button', { name: 'Retry', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Resync', exact: true }).count()).toBe(0);
    expect(await timeline(page).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'timeline-failed');
  });

  it('a viewer sees the timeline with Retry disabled and why', async () => {
    await viewerPage.goto(`${pair.stack.url}/connections/${pair.connectionId}/tickets/source/${victimId}`);
    const retry = viewerPage.getByRole('button', { name: 'Retry', exact: true });
    await retry.waitFor();
    expect(await retry.isDisabled()).toBe(true);
    expect(await viewerPage.locator('main').innerText()).toMatch(/Read only: your role is viewer/);
    expect(await seriousAxeViolations(viewerPage)).toEqual([]);
  });

  it('Retry, once the cause is gone, creates the copy; the page follows the run, then offers Resync', async () => {
    pair.source.sim.faults.clear();
    const retry = page.getByRole('button', { name: 'Retry', exact: true });
    await retry.focus();
    await page.keyboard.press('Enter');
    await page.getByText(/Retry finished \(success\)/).waitFor({ timeout: 60_000 });
    const copy = ticketsOf(pair.target.sim).find((t) => t.subject === victimSubject);
    expect(copy).toBeDefined();
    // The timeline reloaded with the run's steps: the create on top of the retry.
    await page.locator('.timeline__item', { hasText: `Created #${copy!.id}` }).waitFor({ timeout: 10_000 });
    const badges = await page.locator('.timeline__item .badge').allInnerTexts();
    expect(badges.indexOf('Written')).toBeLessThan(badges.indexOf('Retried'));
    expect(badges.indexOf('Retried')).toBeLessThan(badges.indexOf('Requested'));
    expect(
      await page
        .locator('.timeline__item', { hasText: `Created #${copy!.id}` })
        .locator('.timeline__requests')
        .innerText(),
    ).toMatch(new RegExp(`createTicket → created #${copy!.id}`));
    await page
      .getByRole('link', { name: `#${copy!.id}` })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Resync', exact: true }).waitFor({ timeout: 10_000 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'timeline-retried');
  });
});
