/**
 * Settings with Jira Service Management, in Chromium against the real app and the Jira simulator: the
 * Site URL / E-mail / API token fields are saved, and Test Connection shows success and each failure
 * category (authentication_failed, permission_denied, invalid_api_url, connection_timeout) with the
 * message the connector gives and Jira's own hints; axe finds nothing serious on any of them.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startStack } from '../helpers/stack.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { JIRA_TROUBLESHOOTING } from '../../src/connectors/jira_service_management/manifest.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations, shoot } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;

/** An ordinary web site: every path is an HTML page with 200, as a company home page answers. */
async function startWebsite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Jira Customer Ltd</title><h1>Welcome</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.skipIf(!hasChromium)('Settings with Jira Service Management', () => {
  let stack: Stack;
  let sim: JiraSimulator;
  let browser: Browser;
  let page: Page;
  let website: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    website = await startWebsite();
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, sim] = await Promise.all([startStack(), startJiraSimulator({ seed: 'demo', rateLimit: false })]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    sim?.faults.clear(); // releases any request still hanging
    await Promise.allSettled([stack?.close(), sim?.close(), website?.close()]);
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });

  /** Fills Site URL, E-mail and API token, saves, and waits until the page says so. */
  async function save(siteUrl: string, email: string, token: string): Promise<void> {
    await page.getByLabel('Site URL', { exact: true }).fill(siteUrl);
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('API token', { exact: true }).fill(token);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/platform') && r.request().method() === 'PUT'),
      button('Save Configuration').click(),
    ]);
    expect(res.status(), await res.text()).toBe(200);
    await page.getByText('Configuration saved').waitFor();
  }

  /** Clicks Test Connection and returns the result panel's text once the answer is shown. */
  async function testConnection(whilePending?: () => Promise<void>): Promise<string> {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/platform/test'), { timeout: 20_000 }),
      button('Test Connection')
        .click()
        .then(() => whilePending?.()),
    ]);
    expect(res.status()).toBe(200);
    const panel = page.locator('section.result');
    await panel.waitFor();
    // The panel of the previous test stays until React renders this answer.
    const body = (await res.json()) as { ok: boolean; error?: { message: string } };
    await panel
      .getByText(body.ok ? 'Connection tested' : body.error!.message, { exact: false })
      .first()
      .waitFor();
    return panel.innerText();
  }

  /** The failure panel: "Test failed", the category's title, the exact message and every Jira hint of the category. */
  function expectFailure(text: string, title: string, message: string, code: keyof typeof JIRA_TROUBLESHOOTING) {
    expect(text).toContain('Test failed');
    expect(text).toContain(title);
    expect(text).toContain(message);
    for (const hint of JIRA_TROUBLESHOOTING[code] ?? []) expect(text).toContain(hint);
  }

  it('signs up and chooses Jira Service Management: its own fields, a password field for the token', async () => {
    await page.goto(`${stack.url}/signup`);
    await page.getByLabel('Organisation name').fill('Jira Customer Ltd');
    await page.getByLabel('E-mail').fill(`admin-${Date.now()}@jira-customer.example`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await button('Sign up').click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByLabel('Platform', { exact: true }).selectOption('jira_service_management');
    await page.getByLabel('Site URL', { exact: true }).waitFor();
    expect(await page.getByLabel('E-mail', { exact: true }).getAttribute('type')).toBe('text');
    expect(await page.getByLabel('API token', { exact: true }).getAttribute('type')).toBe('password');
    expect(await button('Test Connection').isDisabled()).toBe(true);
  });

  it('a token that is not the account’s: Authentication Failed', async () => {
    await save(sim.url, sim.emailFor('admin'), 'ATATT3x-not-the-token-of-this-account');
    const text = await testConnection();
    expectFailure(
      text,
      'Authentication Failed',
      'Jira rejected the e-mail and API token while reading the integration account (/rest/api/3/myself): the token is wrong, expired or revoked, or it belongs to another account than this e-mail.',
      'authentication_failed',
    );
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
    await shoot(page, 'settings-jira-authentication-failed');
  });

  it('an account that may only browse: Permission Denied, naming what it lacks', async () => {
    await save(sim.url, sim.emailFor('readonly'), sim.tokenFor('readonly'));
    const text = await testConnection();
    expectFailure(
      text,
      'Permission Denied',
      'Rae Reader lacks Create Issues, Edit Issues, Transition Issues, Add Comments in every project it sees; sync needs Browse Projects, Create Issues, Edit Issues, Transition Issues, Add Comments.',
      'permission_denied',
    );
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
  });

  it('an address that is not a Jira site: Invalid API URL', async () => {
    // A company web site pasted instead of the Jira site: it answers every path with a page.
    await save(website.url, sim.emailFor('admin'), sim.tokenFor('admin'));
    const text = await testConnection();
    expectFailure(
      text,
      'Invalid API URL',
      "The address answered, but not with the Jira API's JSON while reading the integration account (/rest/api/3/myself): check that it is your Jira site URL.",
      'invalid_api_url',
    );
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
  });

  it('a site that never answers: Connection Timeout, the button says it is testing', async () => {
    await save(sim.url, sim.emailFor('admin'), sim.tokenFor('admin'));
    sim.faults.set({ hang: true });
    try {
      const text = await testConnection(async () => {
        const pending = button('Testing…');
        await pending.waitFor();
        expect(await pending.isDisabled()).toBe(true);
      });
      expectFailure(text, 'Connection Timeout', 'Jira could not be reached: No answer within 1.5 s.', 'connection_timeout');
    } finally {
      sim.faults.clear();
    }
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
  });

  it('the integration account: Connection tested, the project and every permission sync needs', async () => {
    await save(sim.url, sim.emailFor('admin'), sim.tokenFor('admin'));
    // The token is never echoed back, only its hint.
    expect(await page.getByLabel('API token', { exact: true }).inputValue()).toBe('');
    const text = await testConnection();
    expect(text).toContain('Connection tested');
    expect(text).toContain('Sync Admin');
    expect(text).toContain('SUP (Support)');
    // Jira's access scope is its projects; Freshservice's group notion is not shown for it.
    // Headings are shown in capitals (CSS), so they are matched whatever their case.
    expect(text).toMatch(/Project access/i);
    expect(text).toMatch(/Browse access: \d+ projects?/);
    expect(text).not.toMatch(/Group access|Member of All Groups/i);
    for (const p of ['Browse Projects', 'Create Issues', 'Edit Issues', 'Transition Issues', 'Add Comments', 'Create Attachments']) expect(text).toContain(p);
    expect(text).toContain('Jira does not report when an API token expires');
    expect(text).not.toContain('Test failed');
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
    await shoot(page, 'settings-jira-success');
  });
});
