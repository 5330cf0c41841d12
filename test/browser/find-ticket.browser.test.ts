/**
 * "Find a ticket" on the Connections page (issue 12 item 16), in Chromium against the real app and two
 * simulators: a ticket number in any accepted spelling opens the ticket's timeline; an unknown number says
 * so; a hostile search string is an error, not markup. Each state is checked with axe-core.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { inviteMember } from '../helpers/members.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Find a ticket by its number', () => {
  let pair: SyncPair;
  let browser: Browser;
  let page: Page;
  let sourceId = '';

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    pair = await startSyncPair({ stack: { listen: true } });
    const run = await pair.sync();
    // A number that is not also one of the copies' numbers (the two accounts count from 1 each): one match.
    const created = run.details.filter((d: { outcome: string }) => d.outcome === 'created');
    const copies = new Set(created.map((d: { targetTicketId: string }) => d.targetTicketId));
    sourceId = (created.find((d: { sourceTicketId: string }) => !copies.has(d.sourceTicketId)) ?? created[0]).sourceTicketId;
    const viewer = await inviteMember(pair.stack.app, pair.source.auth, 'viewer', 'find');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: viewer.token, url: pair.stack.url, httpOnly: true, sameSite: 'Lax' }]);
    page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await pair?.close();
  });

  it('an unknown number says so; a hostile one is an error in words', async () => {
    await page.goto(`${pair.stack.url}/connections`);
    const box = page.getByRole('search', { name: 'Find a ticket by its number' });
    await box.getByLabel('Ticket number').fill('#987654');
    await box.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No ticket #987654 in the sync records of your connections.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await box.getByLabel('Ticket number').fill('<img src=x onerror=alert(1)>');
    await box.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('alert').filter({ hasText: '123, #123 or INC-123' }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('INC-n opens the ticket timeline', async () => {
    await page.goto(`${pair.stack.url}/connections`);
    const box = page.getByRole('search', { name: 'Find a ticket by its number' });
    await box.getByLabel('Ticket number').fill(`INC-${sourceId}`);
    await box.getByRole('button', { name: 'Find' }).click();
    // Two matches (the number is also a copy's) are listed: the user's own ticket comes first.
    const list = page.getByRole('list', { name: `Tickets numbered ${sourceId}` });
    await Promise.race([page.waitForURL(`**/tickets/source/${sourceId}`), list.waitFor()]);
    if (await list.isVisible()) await list.getByRole('link').first().click();
    await page.waitForURL(`**/connections/${pair.connectionId}/tickets/source/${sourceId}`);
    await page.getByRole('heading', { name: `Ticket #${sourceId}`, level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
