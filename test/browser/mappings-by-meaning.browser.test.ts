/**
 * The Mappings tab between Freshservice (source) and Jira Service Management (target), in Chromium against the
 * real app and both simulators: each mapped field says its role, status values their category, and the
 * default pairs (written for Freshservice's values) are shown as the pairs a run uses, mapped by meaning, with
 * a note; a role Jira lacks says it is not synced. Editing a row stores the pairs as shown with the edit, which
 * the page then shows as saved. axe finds nothing serious.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import type { SimHandle } from '../conformance/harness.ts';
import { expectJson as json, startPlatformPair, type PlatformPair } from '../helpers/platform-pair.ts';
import type { TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations, shoot } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Mappings between Freshservice and Jira Service Management', { timeout: 300_000 }, () => {
  let pair: PlatformPair;
  let stack: TestStack;
  const sims = {} as Record<'source' | 'target', SimHandle>;
  const auth = {} as Record<'source' | 'target', Record<string, string>>;
  let token = '';
  let connectionId = '';
  let browser: Browser;
  let page: Page;
  const platforms = { source: 'freshservice', target: 'jira_service_management' } as const;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    pair = await startPlatformPair(platforms, { contractName: 'Across platforms', listen: true });
    ({ stack, connectionId } = pair);
    Object.assign(sims, pair.sims);
    Object.assign(auth, pair.auth);
    token = pair.tokens.source;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shoot(page, 'failed-mappings-by-meaning').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await pair?.close();
  });

  /** The Mappings tab as the Freshservice organisation, once both sides' fields have loaded. */
  async function openMappings(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: token, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
    const p = await ctx.newPage();
    p.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    const loaded = p.waitForResponse((r) => r.url().endsWith('/fields'));
    await p.goto(`${stack.url}/connections/${connectionId}/mappings`);
    await loaded;
    return p;
  }

  /** The mapping row whose source field has this label (a field Jira lacks is named as stored). */
  const row = (p: Page, source: string) => p.getByRole('group', { name: new RegExp(`^Mapping \\d+: ${source} to `, 'i') });
  const checked = (select: Locator) => select.locator('option:checked').innerText();

  it('shows roles, status categories and the pairs a run uses, mapped by meaning', async () => {
    page = await openMappings();
    const status = row(page, 'Status');
    const note = status.getByRole('note');
    await note.waitFor({ timeout: 15_000 });
    expect(await note.innerText()).toBe('Mapped by meaning: statuses by category. Edit a row to override.');
    await status.getByText('Role: Status', { exact: true }).waitFor();

    // Each direction has its own best match: Freshservice → Jira, and Jira → Freshservice.
    const forward = status.getByRole('table', { name: 'Source to target' });
    const backward = status.getByRole('table', { name: 'Target to source' });
    const pendingTarget = forward.getByLabel('Target value for Pending');
    expect(await checked(pendingTarget)).toBe('Waiting for customer');
    const rowWith = (table: Locator, label: string) => table.getByRole('row').filter({ has: page.getByLabel(label, { exact: true }) });
    expect(await rowWith(forward, 'Target value for Pending').innerText()).toMatch(/· pending[\s\S]*Waiting for customer[\s\S]*· pending/);
    const fromWaiting = backward.getByLabel('Source value for Waiting for support');
    expect(await checked(fromWaiting)).toBe('Open');
    expect(await rowWith(backward, 'Source value for Waiting for support').innerText()).toMatch(/· open[\s\S]*· new/);

    // Freshservice's priority ids 1-4 are also Jira priority ids: those pairs fit both sides and are used as stored.
    await row(page, 'Priority').getByText('Role: Priority', { exact: true }).waitFor();
    // Jira has no urgency or impact: the page says so rather than showing pairs nothing uses.
    const urgency = row(page, 'Urgency');
    expect(await urgency.getByRole('note').innerText()).toBe('Not synced between these platforms: the target platform has no Urgency field.');
    expect(await urgency.getByRole('table').count()).toBe(0);
    expect(
      await row(page, 'Subject')
        .getByText(/^Role:/)
        .count(),
    ).toBe(0);

    expect(await seriousAxeViolations(page, 'form[aria-label="Field mappings"]')).toEqual([]);
    await shoot(page, 'mappings-by-meaning', { fullPage: false, scrollTo: status });
  });

  it('an edited row is stored with the pairs as shown, and then shown as saved', async () => {
    page = await openMappings();
    const status = row(page, 'Status');
    await status.getByRole('note').waitFor({ timeout: 15_000 });
    const openTarget = status.getByRole('table', { name: 'Source to target' }).getByLabel('Target value for Open');
    await openTarget.focus();
    await openTarget.selectOption({ label: 'Waiting for customer' });

    // Stored as two one-way mappings with the pairs shown: no longer by meaning.
    const rows = page.getByRole('group', { name: /^Mapping \d+: Status to Status$/ });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.getByRole('note').count()).toBe(0);
    expect(await rows.nth(0).getByLabel('Direction').inputValue()).toBe('source_to_target');
    expect(await rows.nth(1).getByLabel('Direction').inputValue()).toBe('target_to_source');
    expect(await checked(rows.nth(0).getByLabel('Target value for Open'))).toBe('Waiting for customer');
    await page.getByText('Unsaved changes').waitFor();
    // The value changed keeps the keyboard focus, though its table was redrawn as the stored mapping's.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Target value for Open');

    await saveAndApprove(page);

    page = await openMappings();
    const saved = page.getByRole('group', { name: /^Mapping \d+: Status to Status$/ });
    await expect.poll(() => saved.count(), { timeout: 15_000 }).toBe(2);
    await saved.nth(0).getByText('Role: Status', { exact: true }).waitFor();
    expect(await checked(saved.nth(0).getByLabel('Target value for Open'))).toBe('Waiting for customer');
    expect(await saved.getByRole('note').count()).toBe(0);
    await row(page, 'Urgency').getByRole('note').waitFor();
    expect(await seriousAxeViolations(page, 'form[aria-label="Field mappings"]')).toEqual([]);
  });

  /** Saves the mappings on the page; a change that newly writes into Jira waits for Jira's organisation, which approves it. */
  async function saveAndApprove(p: Page): Promise<void> {
    const [res] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/mappings') && r.request().method() === 'PUT'),
      p.getByRole('button', { name: 'Save mappings', exact: true }).click(),
    ]);
    expect([200, 202], await res.text()).toContain(res.status());
    if (res.status() === 200) return;
    const { proposal } = await res.json();
    await json(
      stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${connectionId}/change-proposals/${proposal.id}/approve`,
        headers: auth[proposal.awaiting.side as 'source' | 'target'],
      }),
      200,
    );
  }

  it('a row with pairs of its own goes back to the meaning', async () => {
    page = await openMappings();
    const statusRows = page.getByRole('group', { name: /^Mapping \d+: Status to Status$/ });
    await expect.poll(() => statusRows.count(), { timeout: 15_000 }).toBe(2);
    const forward = statusRows.nth(0);
    await forward.getByRole('button', { name: /^Map by meaning again/ }).click();
    expect(await forward.getByRole('note').innerText()).toBe('Mapped by meaning: statuses by category. Edit a row to override.');
    expect(await checked(forward.getByLabel('Source field'))).toBe('Status (by meaning)');
    expect(await checked(forward.getByRole('table').getByLabel('Target value for Open'))).toBe('In Progress');
    await saveAndApprove(page);

    page = await openMappings();
    const again = page.getByRole('group', { name: /^Mapping \d+: Status to Status$/ });
    await again.first().getByRole('note').waitFor({ timeout: 15_000 });
    expect(await again.nth(0).getByLabel('Direction').inputValue()).toBe('source_to_target');
    // The other direction keeps the pairs saved before.
    expect(await again.nth(1).getByRole('note').count()).toBe(0);
    expect(await seriousAxeViolations(page, 'form[aria-label="Field mappings"]')).toEqual([]);
  });
});
