/**
 * Browser test of the API tokens and Account pages against the real app (built UI + API): an admin creates a
 * token, sees its secret once, the secret works against the API, revoking it in the page stops it at once;
 * then the admin changes their password, and only the new one logs in. Both pages are checked with axe-core.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('API tokens and Account pages in a browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    stack = await startStack({ listen: true });
    admin = await signUpAndLogIn(stack.app, 'browser-tokens');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: admin.token, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
    page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const me = (token: string) => fetch(`${stack.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  it('creates a token shown once; it works against the API until it is revoked on the page', async () => {
    // Tokens are reached from Account (top bar), which keeps the main navigation on one line.
    await page.goto(`${stack.url}/dashboard`);
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('link', { name: 'Manage your API tokens', exact: true }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A name is asked for before anything is sent.
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await page.getByText('Give the token a name', { exact: false }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('nightly export');
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    const secretField = page.getByLabel('API token', { exact: true });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^sfp_[A-Za-z0-9_-]{43}$/);
    expect((await me(secret)).status).toBe(200);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const row = page.getByRole('row').filter({ hasText: 'nightly export' });
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.getByRole('button', { name: 'Yes, revoke', exact: true }).click();
    await row.getByRole('button', { name: 'Revoke', exact: true }).waitFor({ state: 'detached' });
    const after = await me(secret);
    expect(after.status).toBe(401);
    expect((await after.json()).error.code).toBe('api_token_revoked');
  });

  it('changes the password on the Account page: the new one logs in, the old one no longer does', async () => {
    await page.goto(`${stack.url}/account`);
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const newPassword = 'a brand new password 2';
    await page.getByLabel('Current password', { exact: true }).fill(admin.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await page.getByRole('status').getByText('Your password was changed.', { exact: false }).waitFor();

    const login = (password: string) => stack.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: admin.email, password } });
    expect((await login(newPassword)).statusCode).toBe(200);
    expect((await login(admin.password)).statusCode).toBe(401);
  });
});
