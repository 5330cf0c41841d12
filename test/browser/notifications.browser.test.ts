/**
 * Browser test of the Notifications page against the real app (built UI + API): reached from Settings (the
 * top navigation stays as it is), an admin adds a signed webhook (its secret shown once), presses Test and
 * sees the delivery, adds an e-mail channel whose SMTP server refuses the password and sees why; a viewer
 * sees the channels but no secret and no buttons. Checked with axe-core.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { verifySignature } from '../../src/notifications/signature.ts';
import { inviteMember } from '../helpers/members.ts';
import { startHttpReceiver, startSmtpReceiver } from '../helpers/notification-receivers.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Notifications page in a browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;
  let http: Awaited<ReturnType<typeof startHttpReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    [stack, http, smtp] = await Promise.all([startStack({ listen: true }), startHttpReceiver(), startSmtpReceiver('bot', 'right password')]);
    admin = await signUpAndLogIn(stack.app, 'browser-notify');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await newPage(admin.token);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([stack?.close(), http?.close(), smtp?.close()]);
  });

  async function newPage(token: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: token, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
    const p = await ctx.newPage();
    p.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    return p;
  }

  it('an admin adds a signed webhook from Settings, sees its secret once and tests it', async () => {
    await page.goto(`${stack.url}/settings`);
    await page.getByRole('link', { name: 'Manage failure notifications', exact: true }).click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.getByText('No channels yet.', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Add a channel', exact: true }).click();
    await page.getByLabel('Kind', { exact: true }).selectOption('webhook');
    await page.getByLabel('Name', { exact: true }).fill('Our monitoring');
    // Nothing without a URL: the server says which field.
    await page.getByRole('button', { name: 'Add channel', exact: true }).click();
    await page.getByText('Enter the webhook URL.', { exact: true }).waitFor();
    await page.getByLabel('Webhook (signed) URL', { exact: true }).fill(`${http.url}/hook`);
    await page.getByRole('button', { name: 'Add channel', exact: true }).click();
    const secretField = page.getByLabel('Signing secret', { exact: true });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const row = page.getByRole('row').filter({ hasText: 'Our monitoring' });
    await row.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByRole('status').getByText('Test message sent', { exact: false }).waitFor();
    const [got] = await http.until(1);
    expect(verifySignature(secret, got!.headers['x-support-fusion-signature'] as string, got!.body).ok).toBe(true);
    await row.getByText('✓', { exact: false }).waitFor();
  });

  it('an e-mail channel whose server refuses the password says so in words', async () => {
    await page.getByRole('button', { name: 'Add a channel', exact: true }).click();
    await page.getByLabel('Kind', { exact: true }).selectOption('email');
    await page.getByLabel('Name', { exact: true }).fill('Support team');
    await page.getByLabel('SMTP server', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await page.getByLabel('Security', { exact: true }).selectOption('none');
    await page.getByLabel('SMTP user name', { exact: true }).fill('bot');
    await page.getByLabel('SMTP password', { exact: true }).fill('wrong password');
    await page.getByLabel('From', { exact: true }).fill('sf@example.com');
    await page.getByLabel('To', { exact: true }).fill('ops@example.com');
    await page.getByRole('button', { name: 'Add channel', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'Support team' });
    await row.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByRole('status').getByText('SMTP authentication failed', { exact: false }).waitFor();
    expect(smtp.received).toHaveLength(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Fixed with the right password (the rest is kept), the test mail arrives.
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('SMTP password', { exact: true }).fill('right password');
    await page.getByRole('button', { name: 'Save channel', exact: true }).click();
    await page.getByRole('button', { name: 'Save channel', exact: true }).waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByRole('status').getByText('Test message sent', { exact: false }).waitFor();
    expect(smtp.received.map((m) => m.to)).toEqual([['ops@example.com']]);
  });

  it('a viewer sees the channels, no secret and no buttons', async () => {
    const viewer = await inviteMember(stack.app, admin.auth, 'viewer', 'browser-notify-v');
    const p = await newPage(viewer.auth.authorization!.replace('Bearer ', ''));
    await p.goto(`${stack.url}/notifications`);
    await p.getByRole('row').filter({ hasText: 'Our monitoring' }).waitFor();
    expect(await p.getByRole('button', { name: 'Add a channel' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Test' }).count()).toBe(0);
    expect(await p.content()).not.toContain('right password');
    expect(await seriousAxeViolations(p)).toEqual([]);
  });
});
