/**
 * Browser test of Members, the invitation page and the Audit log against the real app (built UI + API):
 * Acme's admin invites a colleague by link, the colleague joins in a second browser, the admin changes
 * their role, the UI turns read-only for a viewer (and the API refuses a viewer's write), and the audit
 * log shows what happened, filtered, in the admin's time zone. Every page is checked with axe-core.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, injectAxe, shoot } from './browser-helpers.ts';

const TIME_ZONE = 'America/New_York';

/** Runs axe-core on the page as it is; serious and critical violations fail the test. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  await injectAxe(page);
  const violations = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: { run: (ctx: Document) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe.run(document);
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    `axe on ${what}`,
  ).toEqual([]);
}

describe.skipIf(!hasChromium)('Members, invitations and the audit log in a browser', () => {
  let pair: SyncPair;
  let browser: Browser;
  let adminCtx: BrowserContext;
  let colleagueCtx: BrowserContext;
  let admin: Page;
  let colleague: Page;
  let inviteUrl = '';
  const colleagueEmail = `casey-${Date.now()}@acme.example`;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    pair = await startSyncPair({ stack: { listen: true } });
    await pair.sync();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const viewport = { width: 1200, height: 900 };
    adminCtx = await browser.newContext({ viewport, timezoneId: TIME_ZONE, locale: 'en-US' });
    colleagueCtx = await browser.newContext({ viewport, locale: 'en-US' });
    // Acme's admin is signed in with the session the API handed out.
    const token = pair.source.auth.authorization!.slice('Bearer '.length);
    await adminCtx.addCookies([{ name: 'sf_session', value: token, url: pair.stack.url, httpOnly: true, sameSite: 'Lax' }]);
    [admin, colleague] = await Promise.all([adminCtx.newPage(), colleagueCtx.newPage()]);
    for (const [who, page] of [
      ['admin', admin],
      ['colleague', colleague],
    ] as const)
      page.on('pageerror', (err) => console.error(`[${who}] page error: ${err.message}`));
  }, 120_000);

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await Promise.allSettled([shoot(admin, 'failed-members-admin'), shoot(colleague, 'failed-members-colleague')]);
  });

  afterAll(async () => {
    await browser?.close();
    await pair?.close();
  });

  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

  it('the admin sees Members and Audit log in the navigation and an empty invitation list that says what to do', async () => {
    await admin.goto(`${pair.stack.url}/settings`);
    await admin.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const links = await nav(admin).getByRole('link').allInnerTexts();
    expect(links).toEqual(expect.arrayContaining(['Members', 'Audit log']));
    await nav(admin).getByRole('link', { name: 'Members', exact: true }).click();
    await admin.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    const people = admin.getByRole('region', { name: 'People' });
    await people.getByText('(you)').waitFor();
    expect(await people.innerText()).toContain('Admin');
    // The only admin is offered neither a role change nor Remove, and told why.
    await people.getByText('the only admin: make someone else admin to change this').waitFor();
    expect(await people.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    expect(await people.getByRole('combobox').count()).toBe(0);
    await admin.getByText('No pending invitations. Use Invite someone above').waitFor();
    await expectAccessible(admin, 'Members (admin)');
  });

  it('creates an invitation link with the keyboard; the link is shown once with a Copy button and listed as pending', async () => {
    const role = admin.getByLabel('Role', { exact: true });
    await role.focus();
    await admin.keyboard.press('End'); // the last option: Viewer
    await role.selectOption('member'); // and back to Member (a native select: what the arrow keys do)
    await admin.keyboard.press('Tab');
    expect(await admin.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('inviteEmail');
    await admin.keyboard.press('Tab');
    expect(await admin.evaluate(() => document.activeElement?.textContent)).toBe('Create invitation link');
    await admin.keyboard.press('Enter');
    const link = admin.getByLabel('Invitation link', { exact: true });
    await link.waitFor();
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${pair.stack.url}/invite/[A-Za-z0-9_-]{43}$`));
    // The panel takes the focus, so a keyboard or screen-reader user lands on it.
    expect(await admin.evaluate(() => document.activeElement?.id)).toBe('link-title');
    expect(await button(admin, 'Copy Invitation link').isVisible()).toBe(true);
    expect(await admin.locator('.code-panel').innerText()).toContain('it works once');
    const pending = admin.getByRole('region', { name: 'Pending invitations' });
    await pending.getByText('Anyone with the link').waitFor();
    expect(await pending.innerText()).toContain('Member');
    await expectAccessible(admin, 'Members with a new link');
    await shoot(admin, 'members-invite');
  });

  it('the colleague opens the link in another browser, sees the organisation and role, and joins', async () => {
    await colleague.goto(inviteUrl);
    await colleague.getByRole('heading', { name: `Join ${pair.source.organisation.name}` }).waitFor();
    expect(await colleague.getByText('You are invited as member').isVisible()).toBe(true);
    await expectAccessible(colleague, 'invitation page');
    await colleague.getByLabel('E-mail').fill(colleagueEmail);
    await colleague.getByLabel('Your name (optional)').fill('Casey Colleague');
    await colleague.getByLabel('Password').fill('short');
    await button(colleague, `Join ${pair.source.organisation.name}`).click();
    await colleague.getByText('Choose a password of at least 10 characters.').waitFor();
    await colleague.getByLabel('Password').fill('casey password 1');
    await button(colleague, `Join ${pair.source.organisation.name}`).click();
    await colleague.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    // A member: no Audit log in the navigation; Settings (credentials) is read-only.
    expect(await nav(colleague).getByRole('link').allInnerTexts()).not.toContain('Audit log');
    expect(await colleague.locator('.org').innerText()).toContain('Member');
    expect(await button(colleague, 'Save Configuration').isDisabled()).toBe(true);
    await colleague.getByText('Read only: only an administrator').waitFor();
    await expectAccessible(colleague, 'Settings (member)');
    // A member runs syncs: Sync now is usable on the connection.
    await colleague.goto(`${pair.stack.url}/connections/${pair.connectionId}/sync`);
    await button(colleague, 'Sync now').waitFor();
    expect(await button(colleague, 'Sync now').isEnabled()).toBe(true);
    expect(await colleague.getByRole('heading', { name: 'Real-time updates' }).count()).toBe(0);
  });

  it('the link works once: opening it again says so and what to do', async () => {
    const page = await colleagueCtx.newPage();
    await page.goto(inviteUrl);
    await page.getByRole('heading', { name: 'This invitation link does not work' }).waitFor();
    expect(await page.getByText('Ask the administrator who sent it for a new link').isVisible()).toBe(true);
    await expectAccessible(page, 'used invitation page');
    await page.close();
  });

  it('the admin makes the colleague a viewer; the colleague’s pages turn read-only and the API refuses their writes', async () => {
    await admin.reload();
    const people = admin.getByRole('region', { name: 'People' });
    await people.getByText('Casey Colleague').waitFor();
    await admin.getByLabel(`Role of ${colleagueEmail}`).selectOption('viewer');
    await button(admin, 'Make viewer').click();
    await admin.getByText(`${colleagueEmail} is now viewer.`).waitFor();
    expect(await admin.getByRole('region', { name: 'Pending invitations' }).getByText('No pending invitations').isVisible()).toBe(true);

    await colleague.goto(`${pair.stack.url}/connections/${pair.connectionId}/sync`);
    await button(colleague, 'Sync now').waitFor();
    expect(await colleague.locator('.org').innerText()).toContain('Viewer');
    expect(await button(colleague, 'Sync now').isDisabled()).toBe(true);
    expect(await button(colleague, 'Preview').isDisabled()).toBe(true);
    expect(await colleague.getByRole('switch').isDisabled()).toBe(true);
    await colleague.getByText('Read only: your role is viewer').first().waitFor();
    await expectAccessible(colleague, 'Sync tab (viewer)');
    await colleague.goto(`${pair.stack.url}/connections/${pair.connectionId}/mappings`);
    await button(colleague, 'Save mappings').waitFor();
    expect(await button(colleague, 'Save mappings').isDisabled()).toBe(true);
    await colleague.goto(`${pair.stack.url}/connections`);
    await colleague.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
    expect(await button(colleague, 'Create connection').count()).toBe(0);
    expect(await button(colleague, 'Revoke').first().isDisabled()).toBe(true);
    await colleague.goto(`${pair.stack.url}/members`);
    await colleague.getByRole('region', { name: 'People' }).getByText('(you)').waitFor();
    expect(await colleague.getByRole('heading', { name: 'Invite someone' }).count()).toBe(0);
    expect(await colleague.getByRole('combobox').count()).toBe(0);
    await expectAccessible(colleague, 'Members (viewer)');
    await shoot(colleague, 'members-viewer');
    // The page hides the buttons; the API is what refuses.
    const status = await colleague.evaluate(async (id) => {
      const r = await fetch(`/api/v1/connections/${id}/sync-runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ since: '2024-01-01' }),
      });
      return r.status;
    }, pair.connectionId);
    expect(status).toBe(403);
    // And the viewer has no audit log page.
    await colleague.goto(`${pair.stack.url}/audit-log`);
    await colleague.getByText('only an administrator of your organisation can read the audit log').waitFor();
  });

  it('the admin revokes a pending invitation', async () => {
    await admin.getByLabel('E-mail (optional)').fill('later@acme.example');
    await button(admin, 'Create invitation link').click();
    const pending = admin.getByRole('region', { name: 'Pending invitations' });
    await pending.getByText('later@acme.example').waitFor();
    await pending.getByRole('button', { name: 'Revoke', exact: true }).click();
    await pending.getByRole('button', { name: 'Yes, revoke', exact: true }).click();
    await pending.getByText('No pending invitations').waitFor();
  });

  it('the audit log shows who did what, in the admin’s time zone, and filters by action, person and dates', async () => {
    await nav(admin).getByRole('link', { name: 'Audit log', exact: true }).click();
    await admin.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const table = admin.locator('table.audit');
    await table.waitFor();
    const text = await table.innerText();
    for (const label of [
      'Invitation created',
      'Invitation accepted',
      'Member role changed',
      'Invitation revoked',
      'Platform credentials saved',
      'Connection created',
    ]) {
      expect(text, label).toContain(label);
    }
    expect(text).toContain(colleagueEmail);
    // Each change reads "path: before → after" (screen readers hear "changed to" in place of the arrow).
    expect(text).toMatch(/role: member\s*→\s*changed to\s*viewer/);
    expect(text).toMatch(/apiKey: —\s*→\s*changed to\s*•••• \(changed\)/);
    expect(text).not.toContain(pair.source.sim.keyFor('admin'));
    // Date-times inside the changes are shown in the admin's time zone too, never as raw ISO text.
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(await admin.getByText(`Times are in your time zone (${TIME_ZONE})`).isVisible()).toBe(true);
    // The newest entry's time, as the admin's own clock shows it.
    const first = (await admin.request.get(`${pair.stack.url}/api/v1/audit-log?limit=1`)).json();
    const at = (await first).events[0].at as string;
    const shown = new Date(at).toLocaleString('en-US', { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });
    expect(await table.locator('tbody tr').first().locator('time').innerText()).toBe(shown);
    await expectAccessible(admin, 'Audit log');
    await shoot(admin, 'audit-log');

    await admin.getByLabel('Action', { exact: true }).selectOption({ label: 'Member role changed' });
    await button(admin, 'Apply filters').click();
    await expect.poll(async () => table.locator('tbody tr').count()).toBe(1);
    expect(await table.innerText()).toContain(colleagueEmail);

    await admin.getByLabel('Action', { exact: true }).selectOption({ label: 'All actions' });
    await admin.getByLabel('Who (e-mail)').fill(colleagueEmail.slice(0, 10));
    await button(admin, 'Apply filters').click();
    await expect.poll(async () => (await table.locator('tbody tr').allInnerTexts()).every((r) => r.includes(colleagueEmail))).toBe(true);
    expect(await table.innerText()).toContain('Invitation accepted');
    expect(await table.innerText()).not.toContain('Invitation created');

    await admin.getByLabel('Who (e-mail)').fill('');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await admin.getByLabel('From', { exact: true }).fill(tomorrow);
    await button(admin, 'Apply filters').click();
    await admin.getByText('No changes match these filters').waitFor();
    await expectAccessible(admin, 'Audit log (no match)');
    await button(admin, 'Clear filters').click();
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(5);
  });

  it('the audit log pages: 50 entries at first, older ones on request, newest first without repeats', async () => {
    // 60 more entries: automatic sync switched on and off 30 times.
    const url = `/api/v1/connections/${pair.connectionId}/automatic-sync`;
    for (let i = 0; i < 30; i++) {
      for (const enabled of [true, false]) {
        const r = await pair.stack.app.inject({ method: 'PUT', url, headers: pair.source.auth, payload: { enabled } });
        expect(r.statusCode).toBe(200);
      }
    }
    const total = (await (await admin.request.get(`${pair.stack.url}/api/v1/audit-log?limit=200`)).json()).events.length as number;
    expect(total).toBeGreaterThan(60);
    await admin.goto(`${pair.stack.url}/audit-log`);
    const rows = admin.locator('table.audit tbody tr');
    await expect.poll(async () => rows.count()).toBe(50);
    await button(admin, 'Load older changes').click();
    await expect.poll(async () => rows.count()).toBe(Math.min(total, 100));
    while (await button(admin, 'Load older changes').count()) {
      const before = await rows.count();
      await button(admin, 'Load older changes').click();
      await expect.poll(async () => rows.count()).toBeGreaterThan(before);
    }
    expect(await rows.count()).toBe(total);
    const times = await admin.locator('table.audit tbody tr time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    expect(times).toEqual([...times].sort().reverse());
    expect(await rows.last().innerText()).toContain('Platform credentials saved');
  });

  it('Members, Audit log and the invitation page fit a 390 px phone screen', async () => {
    await admin.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/members', '/audit-log']) {
      await admin.goto(`${pair.stack.url}${path}`);
      await admin.locator('h1').first().waitFor();
      await admin.locator('table').first().waitFor();
      expect(await admin.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
      // Every section of the navigation is still on screen.
      for (const link of await nav(admin).getByRole('link').all()) {
        const box = (await link.boundingBox())!;
        expect(box.x + box.width, await link.innerText()).toBeLessThanOrEqual(390);
      }
    }
    await shoot(admin, 'narrow-audit-log');
    const page = await adminCtx.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(inviteUrl);
    await page.locator('h1').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
    await admin.setViewportSize({ width: 1200, height: 900 });
  });
});
