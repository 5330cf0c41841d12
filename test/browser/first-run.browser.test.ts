/**
 * Issue 12's first-run traps in a browser (Chromium + axe): log-in returns to the page that asked for it
 * (and never to another site), lands on the Dashboard otherwise; the webhook card shows the last event
 * and flags an address Freshservice cannot reach; Connections asks for the platform first; a failed Test
 * Connection links to the setup guide in the app, where Connection Refused has its own section.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectTwoOrganisations, signUpAndLogIn, startStack } from '../helpers/stack.ts';
import { closedPortUrl } from '../helpers/raw-servers.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot, seriousAxeViolations } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Simulator = Awaited<ReturnType<typeof startFreshserviceSimulator>>;
type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;

describe.skipIf(!hasChromium)('first run: log-in return path, webhook card, platform first, the guide', () => {
  let stack: Stack;
  let simA: Simulator;
  let simB: Simulator;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let a: Org;
  let connectionId = '';

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack(),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    a = await signUpAndLogIn(stack.app, 'firsta');
    const b = await signUpAndLogIn(stack.app, 'firstb');
    connectionId = await connectTwoOrganisations(stack.app, [a, b], [simA, simB]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await shoot(page, 'failed-first-run').catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const path = () => {
    const u = new URL(page.url());
    return `${u.pathname}${u.search}`;
  };
  async function logIn(who: Org) {
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await button('Log in').click();
  }
  async function logOut() {
    await button('Log out').click();
    await page.waitForURL('**/login');
  }

  it('a page that needed a session sends to Log in and back to itself after; the Log in page passes axe', async () => {
    const sync = `/connections/${connectionId}/sync`;
    await page.goto(`${stack.url}${sync}`);
    await page.waitForURL('**/login?next=*');
    expect(path()).toBe(`/login?next=${encodeURIComponent(sync)}`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await logIn(a);
    await page.waitForURL(`**${sync}`);
    await page.getByRole('heading', { name: 'Real-time updates (webhook)' }).waitFor();
    expect(path()).toBe(sync);
  });

  it('Log in from the Log in page lands on the Dashboard', async () => {
    await logOut();
    expect(path()).toBe('/login');
    await logIn(a);
    await page.waitForURL('**/dashboard');
    expect(path()).toBe('/dashboard');
  });

  it('never returns to another site: //evil.example, https://evil and /\\evil lead to the Dashboard', async () => {
    for (const next of ['//evil.example', 'https://evil', '/\\evil.example', 'javascript:alert(1)']) {
      await logOut();
      await page.goto(`${stack.url}/login?next=${encodeURIComponent(next)}`);
      await logIn(a);
      await page.waitForURL('**/dashboard');
      expect(new URL(page.url()).origin, next).toBe(stack.url);
      expect(path(), next).toBe('/dashboard');
    }
  });

  it('the webhook card: unreachable address flagged, the suggested body, Last event accepted and rejected; axe', async () => {
    await page.goto(`${stack.url}/connections/${connectionId}/sync`);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Real-time updates (webhook)' }) });
    const url = await page.getByLabel('Webhook URL', { exact: true }).inputValue();
    // The test server is on 127.0.0.1: Freshservice could not call it.
    expect(await card.getByTestId('webhook-unreachable').innerText()).toMatch(
      /Freshservice cannot reach this URL: 127\.0\.0\.1 is a loopback or private address.*SF_PUBLIC_URL/,
    );
    expect(await page.getByLabel('Content', { exact: true }).inputValue()).toBe('{"ticket_id": "{{ticket.id_numeric}}"}');
    const text = await card.innerText();
    for (const words of ['Advanced (JSON)', 'Performed by', 'is not', 'Reply is sent', 'Note is added']) expect(text).toContain(words);
    const lastEvent = card.getByTestId('webhook-last-event');
    expect(await lastEvent.innerText()).toContain('Last event: No event yet');

    // What {{ticket.id}} renders to: not JSON.
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ticket_id": #INC-7}' })).status).toBe(400);
    await card.getByRole('button', { name: 'Check for events' }).click();
    await lastEvent.filter({ hasText: 'rejected' }).waitFor();
    expect(await lastEvent.innerText()).toMatch(/^Last event: just now, rejected: The request body is not valid JSON/);

    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ticket_id": "7"}' })).status).toBe(202);
    await card.getByRole('button', { name: 'Check for events' }).click();
    await lastEvent.filter({ hasText: 'accepted' }).waitFor();
    expect(await lastEvent.innerText()).toBe('Last event: just now, accepted');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'webhook-card-last-event', { scrollTo: card });
  });

  it('before the platform is saved, Connections links to Settings instead of the form', async () => {
    const fresh = await signUpAndLogIn(stack.app, 'firstc');
    await logOut();
    await logIn(fresh);
    await page.waitForURL('**/dashboard');
    await page.goto(`${stack.url}/connections`);
    const notice = page.getByTestId('platform-first');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Save your platform settings first');
    expect(await button('Create connection').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await notice.getByRole('link', { name: 'Go to Settings' }).click();
    await page.waitForURL('**/settings');

    // A refused connection is its own category, and its hints link to that section of the guide in the app.
    await page.getByLabel('API URL', { exact: true }).fill(await closedPortUrl());
    await page.getByLabel('API Key', { exact: true }).fill('AnyKeyAnyKey00000001');
    await button('Save Configuration').click();
    await page.getByText('✓ Configuration saved').waitFor();
    await button('Test Connection').click();
    const panel = page.locator('section.result');
    await panel.waitFor();
    expect(await panel.locator('.result__category').innerText()).toBe('Connection Refused');
    expect(await panel.innerText()).not.toContain('Connection Timeout');
    await panel.getByRole('link', { name: 'Connection Refused in the setup guide' }).click();
    await page.waitForURL('**/guide#connection-refused');
    await page.getByRole('heading', { name: 'Connection Refused', level: 3 }).waitFor();
    await page.getByRole('heading', { name: 'Real-time updates (webhook)', level: 2 }).waitFor();
    expect(await page.locator('.guide pre').first().innerText()).toContain('{"ticket_id": "{{ticket.id_numeric}}"}');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'setup-guide-webhook', { fullPage: false, scrollTo: page.getByRole('heading', { name: 'Real-time updates (webhook)', level: 2 }) });
  });
});
