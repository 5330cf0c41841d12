/**
 * Settings draws the platform connection from GET /api/v1/platforms, not from text in the UI: the platform
 * list, the API URL field and the selected platform's credential fields (secret ones as password fields),
 * a "Connect to <name>" button for OAuth platforms, and the OAuth callback's outcome (?oauth=). A platform
 * that exists only in a rewritten answer of the list shows that nothing of it is built into the page.
 */
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations, shoot } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Listed = {
  id: string;
  name: string;
  available: boolean;
  apiUrl?: { label: string };
  credentials?: Array<{ name: string; label: string; secret: boolean }>;
};

/** A platform no build has: an OAuth one with a public client id and a secret. */
const INVENTED = {
  id: 'acme_desk',
  name: 'Acme Desk',
  available: true,
  apiUrl: { label: 'Site address', example: 'https://example.acmedesk.test', help: 'The address your agents open.' },
  credentials: [
    { name: 'clientId', label: 'Client ID', secret: false, required: true, help: 'From the app you registered.', maxLength: 200 },
    { name: 'clientSecret', label: 'Client secret', secret: true, required: true, help: 'Shown once when you registered the app.', maxLength: 200 },
  ],
  auth: 'oauth',
  setupGuide: { summary: 'Register an OAuth app, then connect.', path: null },
  sideSettings: [],
  roles: [],
  troubleshooting: {},
};

describe.skipIf(!hasChromium)('Settings renders platforms from the API', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let listed: Listed[];

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    stack = await startStack();
    listed = ((await (await fetch(`${stack.url}/api/v1/platforms`)).json()) as { platforms: Listed[] }).platforms;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const platformSelect = () => page.getByLabel('Platform', { exact: true });

  it('lists every platform the API lists, and shows the selected one’s URL and credential fields', async () => {
    await page.goto(`${stack.url}/signup`);
    await page.getByLabel('Organisation name').fill('Platforms Ltd');
    await page.getByLabel('E-mail').fill(`admin-${Date.now()}@platforms.example`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await platformSelect().waitFor();

    const options = await platformSelect()
      .locator('option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, disabled: (o as HTMLOptionElement).disabled })));
    expect(options).toEqual(listed.map((p) => ({ value: p.id, disabled: !p.available })));

    const selected = listed.find((p) => p.id === options.find((o) => !o.disabled)?.value);
    expect(selected?.credentials?.length).toBeGreaterThan(0);
    expect(await platformSelect().inputValue()).toBe(selected!.id);
    await page.getByLabel(selected!.apiUrl!.label, { exact: true }).waitFor();
    for (const f of selected!.credentials!) {
      expect(await page.getByLabel(f.label, { exact: true }).getAttribute('type'), f.name).toBe(f.secret ? 'password' : 'text');
    }
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
    await shoot(page, 'settings-platforms');
  });

  it('a platform only the API knows: its fields, its Connect button, its own field errors; axe', async () => {
    await page.route('**/api/v1/platforms', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { platforms: unknown[] };
      await route.fulfill({ response: res, json: { platforms: [...body.platforms, INVENTED] } });
    });
    await page.reload();
    await platformSelect().selectOption('acme_desk');
    await page.getByLabel('Site address', { exact: true }).waitFor();
    expect(await page.getByLabel('Client ID', { exact: true }).getAttribute('type')).toBe('text');
    expect(await page.getByLabel('Client secret', { exact: true }).getAttribute('type')).toBe('password');
    expect(await page.locator('main').innerText()).toContain('Register an OAuth app, then connect.');
    // Not saved yet: the button is there, but waits for a saved configuration.
    const connect = page.getByRole('button', { name: 'Connect to Acme Desk', exact: true });
    expect(await connect.isDisabled()).toBe(true);

    // The form's rules come from the manifest: every required field is asked for, by its own label.
    await page.getByRole('button', { name: 'Save Configuration', exact: true }).click();
    await page.getByText('Enter your Acme Desk Site address, for example https://example.acmedesk.test.').waitFor();
    await page.getByText('Enter the Client ID. From the app you registered.').waitFor();
    await page.getByText('Enter the Client secret. Shown once when you registered the app.').waitFor();
    expect(await page.getByLabel('Client secret', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousAxeViolations(page, 'main')).toEqual([]);
    await shoot(page, 'settings-oauth-platform');
    await page.unroute('**/api/v1/platforms');
  });

  it('says how an OAuth round trip ended (?oauth=error&reason=) and cleans the address', async () => {
    await page.goto(`${stack.url}/settings?oauth=error&reason=${encodeURIComponent('The consent was refused')}`);
    const outcome = page.getByTestId('oauth-outcome');
    await outcome.waitFor();
    expect(await outcome.innerText()).toMatch(/^Not connected to .+: The consent was refused Connect again\.$/);
    expect(new URL(page.url()).search).toBe('');
    await page.goto(`${stack.url}/settings?oauth=connected`);
    await outcome.waitFor();
    expect(await outcome.innerText()).toMatch(/^Connected to .+: Support Fusion may now use the account\./);
  });
});
