/**
 * The Sync tab's Automatic sync and Real-time updates (webhook) cards in a browser, against the real app
 * and two Freshservice simulators: the switch waits for the first manual sync, then turns automatic sync
 * on and off; the webhook URL is shown, copied, accepted by the hook endpoint and rotated.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectTwoOrganisations, signUpAndLogIn, startStack } from '../helpers/stack.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Simulator = Awaited<ReturnType<typeof startFreshserviceSimulator>>;

const HOOK_URL = /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/hooks\/freshservice\/[A-Za-z0-9_-]{43}$/;

describe.skipIf(!hasChromium)('Sync tab: automatic sync and webhook', () => {
  let stack: Stack;
  let simA: Simulator;
  let simB: Simulator;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let connectionId = '';

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack(),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    // Two organisations connected through the API: what is under test is the Sync tab.
    const a = await signUpAndLogIn(stack.app, 'autoa');
    const b = await signUpAndLogIn(stack.app, 'autob');
    connectionId = await connectTwoOrganisations(stack.app, [a, b], [simA, simB]);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await ctx.addCookies([{ name: 'sf_session', value: a.token, url: stack.url }]);
    page = await ctx.newPage();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await shoot(page, 'failed-automatic-sync').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const autoCard = () => page.locator('section', { has: page.getByRole('heading', { name: 'Automatic sync' }) });
  const hookCard = () => page.locator('section', { has: page.getByRole('heading', { name: 'Real-time updates (webhook)' }) });
  const toggle = () => page.getByRole('switch', { name: /Sync automatically every \d+ minutes?/ });
  const webhookInput = () => page.getByLabel('Webhook URL', { exact: true });

  it('before the first manual sync the switch is off and disabled, with the reason', async () => {
    await page.goto(`${stack.url}/connections/${connectionId}/sync`);
    await toggle().waitFor();
    expect(await toggle().isDisabled()).toBe(true);
    expect(await toggle().isChecked()).toBe(false);
    expect(await autoCard().innerText()).toContain('Run a manual sync first');
  });

  it('shows the webhook URL read-only, with Copy and the Freshservice steps', async () => {
    await webhookInput().waitFor();
    const url = await webhookInput().inputValue();
    expect(url).toMatch(HOOK_URL);
    expect(await webhookInput().getAttribute('readonly')).not.toBeNull();
    const text = await hookCard().innerText();
    for (const step of ['Workflow Automator', 'Ticket is raised', 'Ticket is updated', 'Note is added', 'Trigger Webhook', 'POST', 'JSON'])
      expect(text).toContain(step);
    // {{ticket.id}} renders as "#INC-1", not JSON: the quoted numeric id is what works (issue 12).
    expect(await page.getByLabel('Content', { exact: true }).inputValue()).toBe('{"ticket_id": "{{ticket.id_numeric}}"}');

    await page.getByRole('button', { name: 'Copy Webhook URL' }).click();
    await hookCard().getByRole('button', { name: 'Copy Webhook URL' }).filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    // The URL as shown works: Freshservice posting a ticket id gets 202.
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket_id: 1 }) });
    expect(r.status).toBe(202);
    await shoot(page, 'sync-tab-before-first-sync-1280', { scrollTo: autoCard() });
  });

  it('Rotate asks first, then shows a new URL; the old one stops working', async () => {
    const before = await webhookInput().inputValue();
    await hookCard().getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByText('Replace this URL? The current one stops working at once.').waitFor();
    expect(await webhookInput().inputValue()).toBe(before); // nothing happens until confirmed
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/webhook/rotate') && r.request().method() === 'POST'),
      button('Rotate URL').click(),
    ]);
    expect(res.status()).toBe(200);
    await page.getByText('New URL created.').waitFor();
    const after = await webhookInput().inputValue();
    expect(after).toMatch(HOOK_URL);
    expect(after).not.toBe(before);
    expect((await fetch(before, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ticket_id": 1}' })).status).toBe(404);
    expect((await fetch(after, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ticket_id": 1}' })).status).toBe(202);
    // Still the same after a reload: the URL is stored, not made up per page view.
    await page.reload();
    await webhookInput().waitFor();
    expect(await webhookInput().inputValue()).toBe(after);
  });

  it('after the first manual sync the switch turns automatic sync on, with the next run shown', async () => {
    await button('Sync now').click();
    await page.getByText('Sync started.').waitFor();
    // The tab polls while the run is running and reloads the connection when it ends.
    await page.waitForFunction(
      () => {
        const el = document.querySelector('input[role="switch"]') as HTMLInputElement | null;
        return el !== null && !el.disabled;
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(await toggle().isChecked()).toBe(false);
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/automatic-sync') && r.request().method() === 'PUT'), toggle().click()]);
    expect(res.status()).toBe(200);
    expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({ enabled: true });
    await autoCard().getByText('Automatic sync is on.').waitFor();
    expect(await toggle().isChecked()).toBe(true);
    await autoCard().getByText('Next run').waitFor();
    await autoCard().getByText('Last run').waitFor();

    const api = await stack.app.inject({ url: `/api/v1/connections/${connectionId}`, headers: { cookie: `sf_session=${(await ctx.cookies())[0]!.value}` } });
    expect(api.json().automaticSync).toBe(true);

    await shoot(page, 'sync-tab-automatic-on-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, 'sync-tab-automatic-on-390');
    await shoot(page, 'sync-tab-webhook-390', { fullPage: false, scrollTo: hookCard() });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('switches off again, and a refused change (409) puts the switch back with an explanation', async () => {
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/automatic-sync')), toggle().click()]);
    await autoCard().getByText('Automatic sync is off.').waitFor();
    expect(await toggle().isChecked()).toBe(false);

    // As if the server still needed the baseline (e.g. another tab is out of date).
    await page.route('**/automatic-sync', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'initial_sync_required', message: 'Run a manual sync with a start date first.' } }),
      }),
    );
    await toggle().click();
    await autoCard().getByRole('alert').filter({ hasText: 'Run a manual sync first' }).waitFor();
    expect(await toggle().isChecked()).toBe(false);
    await shoot(page, 'sync-tab-automatic-409-1280', { fullPage: false, scrollTo: autoCard() });
    await page.unroute('**/automatic-sync');
  });
});
