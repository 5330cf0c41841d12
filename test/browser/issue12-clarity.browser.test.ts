/**
 * Issue 12 items 7, 8 and 17 in a browser (Chromium + axe), against the real app and two Freshservice simulators:
 * - the connection's state reads "Automatic" on the Dashboard, the Connections list and the connection page alike;
 * - configuration and field mapping edits show "Unsaved changes", and leaving asks first (in-app link, browser back, tab close);
 * - the top navigation stays on one line at 1200 and 1280 px;
 * - members show their names, and the audit log reads as sentences.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { connectTwoOrganisations, signUpAndLogIn, startStack } from '../helpers/stack.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot, seriousAxeViolations } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Simulator = Awaited<ReturnType<typeof startFreshserviceSimulator>>;

describe.skipIf(!hasChromium)('issue 12: one state, unsaved changes, one-line navigation, names and sentences', () => {
  let stack: Stack;
  let simA: Simulator;
  let simB: Simulator;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let connectionId = '';
  let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack(),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    admin = await signUpAndLogIn(stack.app, 'clarity-a');
    const partner = await signUpAndLogIn(stack.app, 'clarity-b');
    connectionId = await connectTwoOrganisations(stack.app, [admin, partner], [simA, simB]);
    // The first manual sync (the baseline), then automatic sync on: what the three pages must call Automatic.
    const started = await stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${connectionId}/sync-runs`,
      headers: admin.auth,
      payload: { since: new Date(Date.now() - 30 * 86_400_000).toISOString() },
    });
    expect(started.statusCode).toBe(202);
    for (let i = 0; i < 600; i++) {
      const run = (await stack.app.inject({ url: `/api/v1/sync-runs/${started.json().id}`, headers: admin.auth })).json();
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const on = await stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/automatic-sync`,
      headers: admin.auth,
      payload: { enabled: true },
    });
    expect(on.statusCode).toBe(200);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addCookies([{ name: 'sf_session', value: admin.token, url: stack.url }]);
    page = await ctx.newPage();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await shoot(page, `failed-issue12-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  const stateBadge = (scope: ReturnType<Page['locator']>) => scope.locator('.badge', { hasText: 'State:' });
  /** The badge's words without its visually hidden "State:" prefix (there for screen readers). */
  const stateOf = async (scope: ReturnType<Page['locator']>) => (await stateBadge(scope).innerText()).replace(/^State:\s*/, '').trim();

  it('reads "Automatic" on the Dashboard, the Connections list and the connection page', async () => {
    await page.goto(`${stack.url}/dashboard`);
    const card = page.locator('section.dash-conn', { has: page.getByRole('heading', { name: 'Acme managed IT' }) });
    await card.waitFor();
    expect(await stateOf(card)).toBe('Automatic');

    await page.goto(`${stack.url}/connections`);
    const row = page.getByRole('row', { name: /Acme managed IT/ });
    await row.waitFor();
    expect(await stateOf(row)).toBe('Automatic');

    await page.goto(`${stack.url}/connections/${connectionId}/sync`);
    await page.getByRole('heading', { name: 'Acme managed IT', level: 1 }).waitFor();
    expect(await stateOf(page.locator('header.page__header'))).toBe('Automatic');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('configuration: shows Unsaved changes and asks before an in-app link leaves it', async () => {
    await page.goto(`${stack.url}/connections/${connectionId}`);
    const attachments = page.getByRole('switch', { name: 'Sync attachments' });
    await attachments.waitFor();
    const status = page.locator('.savebar .actions__status');
    expect(await status.innerText()).not.toContain('Unsaved changes');
    await attachments.click();
    await status.getByText('Unsaved changes').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Staying: the dialog is dismissed, the page and the edit stay.
    const asked: string[] = [];
    const dismiss = (d: Dialog) => {
      asked.push(d.message());
      void d.dismiss();
    };
    page.once('dialog', dismiss);
    await page.getByRole('link', { name: 'Field mappings', exact: true }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/unsaved changes to the configuration/i);
    expect(new URL(page.url()).pathname).toBe(`/connections/${connectionId}`);
    expect(await status.innerText()).toContain('Unsaved changes');

    // Undoing the edit makes the form clean again: no question then.
    await attachments.click();
    await expect.poll(async () => status.innerText()).not.toContain('Unsaved changes');
    await attachments.click();
    await status.getByText('Unsaved changes').waitFor();

    // Leaving: accepted, the mappings tab opens.
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.getByRole('link', { name: 'Field mappings', exact: true }).click();
    await page.waitForURL(`**/connections/${connectionId}/mappings`);
    expect(asked).toHaveLength(2);
  });

  it('field mappings: shows Unsaved changes, asks on browser back and on closing the tab; saving clears it', async () => {
    await page.getByRole('heading', { name: 'Field mappings', level: 2 }).waitFor();
    const status = page.locator('.savebar .actions__status');
    const direction = page.getByRole('combobox', { name: 'Direction' }).first();
    await direction.waitFor();
    const before = await direction.inputValue();
    await direction.selectOption(before === 'bidirectional' ? 'source_to_target' : 'bidirectional');
    await status.getByText('Unsaved changes').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Browser back: asked; staying keeps the address and the edit.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.goBack();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/unsaved changes to the field mappings/i);
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/connections/${connectionId}/mappings`);
    expect(await status.innerText()).toContain('Unsaved changes');

    // Closing the tab (or reloading): the browser's own prompt, through beforeunload.
    const closing = new Promise<Dialog>((resolve) => page.once('dialog', resolve));
    await page.close({ runBeforeUnload: true });
    const prompt = await closing;
    expect(prompt.type()).toBe('beforeunload');
    await prompt.dismiss();
    expect(page.isClosed()).toBe(false);

    // Put back as it was and saved: nothing unsaved, leaving asks nothing.
    await direction.selectOption(before);
    await expect.poll(async () => status.innerText()).not.toContain('Unsaved changes');
    await direction.selectOption(before === 'bidirectional' ? 'source_to_target' : 'bidirectional');
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await expect.poll(async () => status.innerText(), { timeout: 20_000 }).not.toContain('Unsaved changes');
    let askedAfterSave = false;
    page.once('dialog', (d) => {
      askedAfterSave = true;
      void d.accept();
    });
    await page.getByRole('link', { name: 'Sync', exact: true }).first().click();
    await page.waitForURL('**/sync');
    expect(askedAfterSave).toBe(false);
  });

  for (const width of [1200, 1280]) {
    it(`keeps the top navigation on one line at ${width} px, every page reachable`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${stack.url}/dashboard`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.waitFor();
      const links = nav.getByRole('link');
      expect(await links.allInnerTexts()).toEqual(['Dashboard', 'Settings', 'Connections', 'Sync', 'Members', 'Audit log']);
      const boxes = await links.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), height: r.height })));
      expect(new Set(boxes.map((b) => b.top)).size).toBe(1);
      // Brand, links and the account buttons share one row: the bar is one row high.
      const bar = await page.locator('.topbar__inner').evaluate((el) => {
        const row = (sel: string) =>
          Array.from(el.querySelectorAll(sel))
            .map((e) => e.getBoundingClientRect())
            .map((r) => r.top + r.height / 2);
        return { height: el.getBoundingClientRect().height, centres: [...row('.brand'), ...row('nav a'), ...row('.topbar__account > *')] };
      });
      expect(bar.height).toBeLessThan(70);
      expect(Math.max(...bar.centres) - Math.min(...bar.centres)).toBeLessThan(8);
      await shoot(page, `topbar-${width}`, { fullPage: false });
    });
  }

  it('members show names (set on Account); the audit log reads as sentences with them', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.url}/account`);
    const name = page.getByLabel('Name', { exact: true });
    await name.waitFor();
    await expect.poll(async () => name.isEditable()).toBe(true);
    await name.fill('Alice Martin');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Your name was saved.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members', exact: true }).click();
    const me = page.getByRole('row', { name: /Alice Martin/ });
    await me.waitFor();
    expect(await me.innerText()).toContain(admin.email);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const table = page.locator('table.audit');
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toContain('Alice Martin started a sync of “Acme managed IT”');
    expect(text).toContain('Alice Martin switched automatic sync on for “Acme managed IT”');
    // The mapping change applies at once or waits for the partner (a proposal): either reads as a sentence.
    expect(text).toMatch(/Alice Martin (saved the field mappings of|proposed a change to) “Acme managed IT”/);
    expect(text).toContain('Alice Martin changed their name to Alice Martin');
    // Sentences, not keys.
    expect(text).not.toMatch(/connection\.sync_started|connection\.automatic_sync_changed/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'audit-log-sentences');
  });
});
