/**
 * Issue 13 in a browser: the Configuration form checks the shared zod contract before saving, so a value
 * it refuses is shown at its field in the server's very words, and nothing is sent until it is fixed.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { connectTwoOrganisations, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Configuration validated in the browser with the shared contract', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let simA: FreshserviceSimulator;
  let simB: FreshserviceSimulator;
  let browser: Browser;
  let page: Page;
  let connectionId = '';
  let token = '';

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack({ listen: true }),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    const a = await signUpAndLogIn(stack.app, 'cva');
    const b = await signUpAndLogIn(stack.app, 'cvb');
    token = b.token;
    connectionId = await connectTwoOrganisations(stack.app, [a, b], [simA, simB]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shoot(page, 'failed-configuration-validation').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  it('an invalid default requester e-mail is refused at its field with the server’s message, and no PUT is sent', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: token, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
    page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT') puts.push(r.url());
    });
    const loaded = page.waitForResponse((r) => r.url().endsWith('/configuration') && r.request().method() === 'GET');
    await page.goto(`${stack.url}/connections/${connectionId}`);
    await loaded;

    const path = `/api/v1/connections/${connectionId}/configuration`;
    const headers = { cookie: `sf_session=${token}` };
    const current = (await stack.app.inject({ url: path, headers })).json().configuration;
    // What the server answers for the same value: the browser must say exactly this.
    const refused = await stack.app.inject({
      method: 'PUT',
      url: path,
      headers,
      payload: {
        configuration: { ...current, defaults: { ...current.defaults, requester: { ...current.defaults.requester, defaultRequesterEmail: 'not-an-email' } } },
      },
    });
    expect(refused.statusCode).toBe(400);
    const server = refused.json().error;
    expect(server).toMatchObject({ code: 'validation_failed', field: 'configuration.defaults.requester.defaultRequesterEmail' });

    const email = page.getByLabel('Default requester e-mail');
    await email.fill('not-an-email');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const fieldError = page.locator('.field--invalid').filter({ has: email }).locator('.field__error');
    await fieldError.waitFor();
    expect(await fieldError.innerText()).toBe(server.message);
    expect(await page.locator('.savebar .notice--error').innerText()).toBe(`Check the highlighted field: ${server.message}`);
    // The refusal happened in the submit itself, before any request could start.
    expect(puts).toEqual([]);

    await email.fill('helpdesk@globex.example');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/configuration') && r.request().method() === 'PUT'),
      page.getByRole('button', { name: 'Save', exact: true }).click(),
    ]);
    expect(res.status()).toBe(200);
    await page.getByText('✓ Configuration saved').waitFor();
    expect(await fieldError.count()).toBe(0);
    expect(puts).toHaveLength(1);
    const saved = (await stack.app.inject({ url: path, headers })).json().configuration;
    expect(saved.defaults.requester.defaultRequesterEmail).toBe('helpdesk@globex.example');
  });
});
