/**
 * Jira Service Management's second way in, in Chromium against the real app and the Jira simulator with its
 * 3LO app: Settings offers "Connect to Jira Service Management" when the instance has an Atlassian app, the
 * Site URL is saved without e-mail and token, the consent round trip comes back connected, and Test
 * Connection passes through the gateway.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startStack } from '../helpers/stack.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;

describe.skipIf(!hasChromium)('Settings: Jira Service Management with OAuth', () => {
  let stack: Stack;
  let sim: JiraSimulator;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    sim = await startJiraSimulator({ seed: 'demo', rateLimit: false });
    stack = await startStack({
      env: {
        SF_JIRA_OAUTH_CLIENT_ID: sim.oauth.clientId,
        SF_JIRA_OAUTH_CLIENT_SECRET: sim.oauth.clientSecret,
        SF_JIRA_OAUTH_AUTH_URL: sim.oauth.authUrl,
        SF_JIRA_API_GATEWAY_URL: sim.oauth.apiGatewayUrl,
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // The stack listens on a port of its own choosing while the callback is built on SF_PORT (0 in tests):
    // the return address is sent on to where the app listens, as a reverse proxy would.
    await page.route('http://localhost:0/**', (route) =>
      route.fulfill({ status: 302, headers: { location: route.request().url().replace('http://localhost:0', stack.url) } }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), sim?.close()]);
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });

  it('saves the Site URL alone, connects through the consent round trip, and tests through the gateway', async () => {
    await page.goto(`${stack.url}/signup`);
    await page.getByLabel('Organisation name').fill('Jira OAuth Ltd');
    await page.getByLabel('E-mail').fill(`admin-${Date.now()}@jira-oauth.example`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await button('Sign up').click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByLabel('Platform', { exact: true }).selectOption('jira_service_management');
    await page.getByLabel('Site URL', { exact: true }).fill(sim.url);
    const connect = button('Connect to Jira Service Management');
    expect(await connect.isDisabled()).toBe(true);
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/platform') && r.request().method() === 'PUT'),
      button('Save Configuration').click(),
    ]);
    expect(saved.status(), await saved.text()).toBe(200);
    await page.getByText('Configuration saved').waitFor();

    await Promise.all([page.waitForURL((u) => u.pathname === '/settings' && u.search === ''), connect.click()]);
    const outcome = page.getByTestId('oauth-outcome');
    await outcome.waitFor();
    expect(await outcome.innerText()).toMatch(/^Connected to Jira Service Management: Support Fusion may now use the account\./);

    sim.clearRequests();
    await button('Test Connection').click();
    await page.getByText('Connection tested', { exact: false }).waitFor();
    expect(sim.requests.some((r) => r.path === `/ex/jira/${sim.cloudId}/rest/api/3/myself`)).toBe(true);
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
  });
});
