/**
 * The Sync tab's Preview (dry run) card in a browser, against the real app and two Freshservice
 * simulators: Preview lists the planned creates; a row opens to the exact values, the composed
 * description as text (never rendered) and the comments; nothing reaches either platform; after a
 * real sync the same preview says "Nothing would change".
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

const writes = (sim: Simulator) => sim.requests.filter((r) => r.path.startsWith('/api/v2') && r.method !== 'GET');
const localDate = (daysAgo: number) => {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe.skipIf(!hasChromium)('Sync tab: Preview (dry run)', () => {
  let stack: Stack;
  let simA: Simulator;
  let simB: Simulator;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let connectionId = '';
  let auth: Record<string, string> = {};

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack(),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    const a = await signUpAndLogIn(stack.app, 'drya');
    const b = await signUpAndLogIn(stack.app, 'dryb');
    auth = a.auth;
    connectionId = await connectTwoOrganisations(stack.app, [a, b], [simA, simB]);
    const m = await stack.app.inject({ url: `/api/v1/connections/${connectionId}/mappings`, headers: a.auth });
    const mappings = m.json().mappings;
    mappings.types.Incident.descriptionBuilder = { fields: ['priority', 'group'], separator: '---' };
    const put = await stack.app.inject({ method: 'PUT', url: `/api/v1/connections/${connectionId}/mappings`, headers: a.auth, payload: { mappings } });
    // Description lines are written into the target's platform: its admin approves them (write consent).
    expect(put.statusCode, put.body).toBe(202);
    const approved = await stack.app.inject({
      method: 'POST',
      url: `/api/v1/connections/${connectionId}/change-proposals/${put.json().proposal.id}/approve`,
      headers: b.auth,
    });
    expect(approved.statusCode, approved.body).toBe(200);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addCookies([{ name: 'sf_session', value: a.token, url: stack.url }]);
    page = await ctx.newPage();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await shoot(page, 'failed-dry-run').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  const card = () => page.locator('section', { has: page.getByRole('heading', { name: 'Preview (dry run)' }) });
  const rows = () => card().locator('tbody > tr:has(th[scope="row"])');

  async function preview(daysAgo: number) {
    await card().getByLabel('Start date').fill(localDate(daysAgo));
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/dry-runs') && r.request().method() === 'POST', { timeout: 60_000 }),
      card().getByRole('button', { name: 'Preview', exact: true }).click(),
    ]);
    expect(res.status()).toBe(200);
    await card().getByText('Nothing was written.').waitFor();
  }

  it('Preview lists the planned creates; nothing reaches either platform', async () => {
    await page.goto(`${stack.url}/connections/${connectionId}/sync`);
    await card().waitFor();
    simA.clearRequests();
    simB.clearRequests();
    await preview(60);
    const expected = [...simA.state.tickets.values()].filter((t) => !t.deleted && t.workspace_id === 2);
    expect(await rows().count()).toBe(expected.length);
    expect(await card().getByText(`${expected.length} to create, 0 to update.`).count()).toBe(1);
    for (const t of expected) expect(await rows().filter({ hasText: t.subject }).innerText()).toMatch(/Create[\s\S]*New ticket in/);
    expect(writes(simA)).toEqual([]);
    expect(writes(simB)).toEqual([]);
    expect(simB.state.tickets.size).toBe(0);
  });

  it('a row opens to the exact values, the description as text and the comments', async () => {
    const vpn = rows().filter({ hasText: 'VPN drops every few minutes' });
    const toggle = vpn.getByRole('button', { name: /Show details/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await vpn.getByRole('button', { name: /Hide details/ }).getAttribute('aria-expanded')).toBe('true');
    const details = card().locator(`#${await vpn.getByRole('button', { name: /Hide details/ }).getAttribute('aria-controls')}`);
    const values = details.locator('dl[aria-label^="Values written"]');
    await values.waitFor();
    const text = await values.innerText();
    expect(text).toMatch(/Subject\s+VPN drops every few minutes/);
    expect(text).toMatch(/Priority\s+High \(priority = 3\)/);
    expect(text).toMatch(/Status\s+Open \(status = 2\)/);
    // The composed HTML is shown as text in a <pre>: the tags are visible, nothing is rendered.
    const description = details.getByLabel('Description as written');
    expect(await description.evaluate((el) => el.tagName)).toBe('PRE');
    expect(await description.innerText()).toMatch(
      /^<div><strong>Priority:<\/strong> High<\/div><div><strong>Group:<\/strong> Network Team<\/div><div>---<\/div>/,
    );
    expect(await description.locator('*').count()).toBe(0);
    expect(await details.innerText()).toMatch(/Private note[\s\S]*Hi Alice, could you tell us which Wi-Fi network/);
    expect(await details.innerText()).toMatch(/Requester: alice[^\n]*would be created/i);
    await shoot(page, 'dry-run-1280', { scrollTo: card() });
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, 'dry-run-390', { scrollTo: card() });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('after a real sync, the same preview says nothing would change', async () => {
    const since = new Date(Date.now() - 60 * 86_400_000).toISOString();
    const started = await stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth, payload: { since } });
    expect(started.statusCode, started.body).toBe(202);
    for (let i = 0; i < 300; i++) {
      const run = (await stack.app.inject({ url: `/api/v1/sync-runs/${started.json().id}`, headers: auth })).json();
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await preview(60);
    await card().getByText('Nothing would change', { exact: true }).waitFor();
    expect(await rows().count()).toBe(0);
    await shoot(page, 'dry-run-nothing-1280', { scrollTo: card(), fullPage: false });
  });
});
