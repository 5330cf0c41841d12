/**
 * Browser test of the Settings page against the real app (built UI + API) and the Freshservice simulator:
 * sign up, save API URL + key, Test Connection, and check what the user sees for each outcome.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startStack } from '../helpers/stack.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[browser tests] skipped: ${CHROMIUM} not found (CI installs it: apt-get install -y chromium).`);

type Stack = Awaited<ReturnType<typeof startStack>>;
type Simulator = Awaited<ReturnType<typeof startFreshserviceSimulator>>;

describe.skipIf(!hasChromium)('Settings page in a browser', () => {
  let stack: Stack;
  let sim: Simulator;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // The stack serves the built UI; `npm test` builds it first.
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, sim] = await Promise.all([startStack(), startFreshserviceSimulator({ port: 0, seed: 'demo' })]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    sim?.faults.clear(); // releases any request still hanging
    await Promise.allSettled([stack?.close(), sim?.close()]);
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });

  /** Fills API URL and API Key, saves, and returns the PUT's HTTP status once the page has reacted. */
  async function save(apiUrl: string, apiKey: string): Promise<number> {
    await page.getByLabel('API URL', { exact: true }).fill(apiUrl);
    await page.getByLabel('API Key', { exact: true }).fill(apiKey);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/platform') && r.request().method() === 'PUT'),
      button('Save Configuration').click(),
    ]);
    if (res.ok()) await page.getByText('Configuration saved').waitFor();
    return res.status();
  }

  /** Clicks Test Connection and returns the visible text of the result panel. */
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
    return panel.innerText();
  }

  it('signs up a new organisation and lands on Settings', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Create your organisation' }).click();
    await page.getByRole('heading', { name: 'Create your organisation' }).waitFor();
    await page.getByLabel('Organisation name').fill('Acme Corporation');
    await page.getByLabel('E-mail').fill(`admin-${Date.now()}@acme.example`);
    await page.getByLabel('Password').fill('short');
    await button('Sign up').click();
    await page.getByText('Use at least 10 characters.').waitFor();
    await page.screenshot({ path: 'test-results/signup.png', fullPage: true });
    await page.getByLabel('Password').fill('correct horse battery staple');
    await button('Sign up').click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings');
    const body = await page.locator('body').innerText();
    expect(body).toContain('Support Fusion');
    expect(body).toContain('Acme Corporation');
    expect(body).toContain('Platform connection');
    expect(await button('Log out').isVisible()).toBe(true);
    expect(await button('Test Connection').isDisabled()).toBe(true);
    expect(await page.getByLabel('Platform', { exact: true }).inputValue()).toBe('freshservice');
  });

  it('shows a field error under API URL for an address that is not a URL', async () => {
    expect(await save('not a url', 'abcdefghijklmnopqrst')).toBe(400);
    const error = page.locator('.field--invalid .field__error');
    await error.waitFor();
    expect(await page.getByLabel('API URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await error.innerText()).length).toBeGreaterThan(10);
    expect(await button('Test Connection').isDisabled()).toBe(true);
    await page.screenshot({ path: 'test-results/settings-field-error.png' });
  });

  it('wrong API key: Authentication Failed with the guide hints', async () => {
    expect(await save(sim.url, 'wrongwrongwrongwrong1')).toBe(200);
    const text = await testConnection();
    expect(text).toContain('Test failed');
    expect(text).toContain('Authentication Failed');
    expect(text).toContain('Verify the API key was copied completely without extra characters');
    await page.screenshot({ path: 'test-results/settings-failure.png', fullPage: true });
  });

  it('agent with IT Agent only: Permission Denied with a hint about the roles', async () => {
    await save(sim.url, sim.keyFor('agent_only'));
    const text = await testConnection();
    expect(text).toContain('Test failed');
    expect(text).toContain('Permission Denied');
    expect(text).toContain('Review the agent roles match those listed in Step 1.2');
  });

  it('a URL that is not the Freshservice API: Invalid API URL', async () => {
    await save(stack.url, sim.keyFor('admin'));
    const text = await testConnection();
    expect(text).toContain('Test failed');
    expect(text).toContain('Invalid API URL');
    expect(text).toContain('Verify the URL matches your actual Freshservice login page');
    await page.screenshot({ path: 'test-results/settings-invalid-url.png', fullPage: true });
  });

  it('an instance that never answers: Connection Timeout', async () => {
    await save(sim.url, sim.keyFor('admin'));
    sim.faults.set({ hang: true });
    try {
      const text = await testConnection(async () => {
        // While the platform does not answer, the button says so and cannot be clicked again.
        const pending = button('Testing…');
        await pending.waitFor();
        expect(await pending.isDisabled()).toBe(true);
      });
      expect(text).toContain('Test failed');
      expect(text).toContain('Connection Timeout');
      expect(text).toContain('Check that there are no IP restrictions or firewall rules blocking Support Fusion');
    } finally {
      sim.faults.clear();
    }
  });

  it('correctly configured agent: Connection tested, all roles, Member of All Groups', async () => {
    await save(sim.url, sim.keyFor('admin'));
    // The normalised URL is shown and the key is never echoed back, only its hint.
    expect(await page.getByLabel('API Key', { exact: true }).inputValue()).toBe('');
    expect(await page.locator('body').innerText()).toMatch(/Saved key ••••\w{4}\. Leave blank to keep it\./);
    const text = await testConnection();
    expect(text).toContain('Connection tested');
    expect(text).toContain('Member of All Groups');
    for (const role of ['IT Agent', 'IT Supervisor', 'Account Admin']) expect(text).toContain(role);
    expect(text).not.toContain('Missing');
    await page.screenshot({ path: 'test-results/settings-success.png', fullPage: true });
  });

  it('shows the last test result after a reload', async () => {
    await page.reload();
    const panel = page.locator('section.result');
    await panel.waitFor();
    const text = await panel.innerText();
    expect(text).toContain('Connection tested');
    expect(text).toContain('Last tested');
  });

  it('agent in selected groups: Member of Selected Groups with the group names', async () => {
    await save(sim.url, sim.keyFor('selected'));
    const text = await testConnection();
    expect(text).toContain('Connection tested');
    expect(text).toContain('Member of Selected Groups');
    expect(text).toContain('Sync is limited to these groups');
    expect(text).toContain('Network Team');
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: 'test-results/settings-selected-narrow.png', fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('logs out and back in', async () => {
    await button('Log out').click();
    await page.waitForURL('**/login');
    await page.goto(`${stack.url}/settings`);
    // Log in would return to Settings (/login?next=%2Fsettings).
    await page.waitForURL('**/login?next=%2Fsettings');
    await page.getByLabel('E-mail').fill('nobody@acme.example');
    await page.getByLabel('Password').fill('wrong password!');
    await button('Log in').click();
    expect(await page.getByRole('alert').innerText()).toContain('E-mail or password is incorrect');
  });
});
