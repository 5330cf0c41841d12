/**
 * The whole journey of two organisations in a browser, against the real app (built UI + API + sync engine)
 * and two Freshservice simulators: each signs up and connects its platform; Acme (Source) creates a
 * connection, Globex (Target) accepts the code; Acme maps a status value, runs Sync now, follows the run
 * in Sync history and sees the tickets Created on Globex's side.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStack } from '../helpers/stack.ts';
import { startFreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { PRIMARY_WORKSPACE_ID } from '../../src/simulator/freshservice/state.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, SCREENSHOT_STYLE, shoot } from './browser-helpers.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Simulator = Awaited<ReturnType<typeof startFreshserviceSimulator>>;

const CONTRACT = 'Acme IT support 2026';
const DAY_MS = 86_400_000;

/** The local calendar date `days` ago as YYYY-MM-DD (what a date input holds). */
function localDate(daysAgo: number): string {
  const d = new Date(Date.now() - daysAgo * DAY_MS);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe.skipIf(!hasChromium)('Two organisations: connect, map, sync', () => {
  let stack: Stack;
  let simA: Simulator;
  let simB: Simulator;
  let browser: Browser;
  let ctxA: BrowserContext;
  let ctxB: BrowserContext;
  let a: Page;
  let b: Page;
  let code = '';
  let runUrl = '';
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    // Globex starts empty, so every ticket on its side afterwards is a copy made by the sync.
    [stack, simA, simB] = await Promise.all([
      startStack(),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme' }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex' }),
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const viewport = { width: 1280, height: 900 };
    [ctxA, ctxB] = await Promise.all([browser.newContext({ viewport }), browser.newContext({ viewport })]);
    [a, b] = await Promise.all([ctxA.newPage(), ctxB.newPage()]);
    // The whole journey runs under the app's Content-Security-Policy: Chromium reports what it blocks
    // (except the style the screenshots inject, which Chromium names by its hash).
    const screenshotStyle = `sha256-${createHash('sha256').update(SCREENSHOT_STYLE).digest('base64')}`;
    const blocked = (text: string) => /Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(text) && !text.includes(screenshotStyle);
    for (const page of [a, b]) page.on('console', (m) => void (blocked(m.text()) && cspViolations.push(m.text())));
  });

  afterEach(async ({ task }) => {
    // What each organisation saw when a step failed.
    if (task.result?.state !== 'fail') return;
    await Promise.allSettled([shoot(a, 'failed-acme'), shoot(b, 'failed-globex')]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
  const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  async function signUpAndConnectPlatform(page: Page, organisation: string, sim: Simulator) {
    await page.goto(`${stack.url}/signup`);
    await page.getByLabel('Organisation name').fill(organisation);
    await page.getByLabel('E-mail').fill(`admin-${Date.now()}@${organisation.split(' ')[0]!.toLowerCase()}.example`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await button(page, 'Sign up').click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByLabel('API URL', { exact: true }).fill(sim.url);
    await page.getByLabel('API Key', { exact: true }).fill(sim.keyFor('admin'));
    await button(page, 'Save Configuration').click();
    await page.getByText('Configuration saved').waitFor();
    await button(page, 'Test Connection').click();
    await page.getByRole('heading', { name: 'Connection tested' }).waitFor({ timeout: 20_000 });
  }

  it('both organisations sign up and connect their Freshservice', async () => {
    await Promise.all([signUpAndConnectPlatform(a, 'Acme Corporation', simA), signUpAndConnectPlatform(b, 'Globex Services', simB)]);
    for (const page of [a, b]) {
      const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
      expect(links).toEqual(['Dashboard', 'Settings', 'Connections', 'Sync', 'Members', 'Audit log']);
    }
  });

  it('Acme creates a connection as the Source and gets a verification code', async () => {
    await nav(a, 'Connections').click();
    await a.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
    expect(await a.getByText('No active connections yet').isVisible()).toBe(true);
    await button(a, 'Create connection').click();
    await a.getByText('Give the connection a contract name').waitFor(); // checked before anything is sent
    await a.getByRole('radio', { name: /Source/ }).check();
    await a.getByLabel('Contract name').fill(CONTRACT);
    await button(a, 'Create connection').click();
    const codeBox = a.getByLabel('Your verification code');
    await codeBox.waitFor();
    code = (await codeBox.innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){4}$/);
    const panel = await a.locator('.code-panel').innerText();
    expect(panel).toContain('Expires on');
    expect(panel).toContain('It works once');
    expect(await button(a, 'Copy').isVisible()).toBe(true);
    const pending = a.getByRole('region', { name: 'Pending connections' });
    await pending.getByText(CONTRACT).waitFor();
    expect(await pending.innerText()).toContain('Source');
    await shoot(a, 'connections-code');
  });

  it('Acme cannot accept its own code; Globex gets a field error for a wrong code, then accepts', async () => {
    await a.getByLabel('Verification code', { exact: true }).fill(code);
    await button(a, 'Accept').click();
    await a.locator('.field--invalid .field__error').getByText('your own organisation').waitFor();

    await nav(b, 'Connections').click();
    await b.getByLabel('Verification code', { exact: true }).fill('AAAA-BBBB-CCCC-DDDD-EEEE');
    await button(b, 'Accept').click();
    const error = b.locator('.field--invalid .field__error');
    await error.waitFor();
    expect(await error.innerText()).toContain('not valid');
    expect(await b.getByLabel('Verification code', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await shoot(b, 'connections-accept-error', { fullPage: false });

    await b.getByLabel('Verification code', { exact: true }).fill(code);
    await button(b, 'Accept').click();
    await b.getByText('Connected with Acme Corporation').waitFor();
    const active = b.getByRole('region', { name: 'Active connections' });
    await active.getByText(CONTRACT).waitFor();
    const row = await active.locator('tbody tr').first().innerText();
    expect(row).toContain('Acme Corporation');
    expect(row).toContain('Target');
    expect(row).toContain('Initial sync required');
  });

  it('Acme sees the active connection and configures its side', async () => {
    await a.reload();
    const active = a.getByRole('region', { name: 'Active connections' });
    await active.getByText('Globex Services').waitFor();
    expect(await active.innerText()).toContain('Initial sync required');
    expect(await a.getByRole('region', { name: 'Pending connections' }).innerText()).toContain('No pending connections');
    await shoot(a, 'connections-list');
    await active.getByRole('link', { name: `Open ${CONTRACT}` }).click();
    await a.getByRole('heading', { name: CONTRACT, level: 1 }).waitFor();
    expect(await a.locator('.page__header').innerText()).toContain('Globex Services');

    // Private notes stay inside the organisation unless switched on, with a warning when they are.
    const privateNotes = a.getByRole('switch', { name: 'Send private notes' });
    await privateNotes.waitFor();
    expect(await privateNotes.isChecked()).toBe(false);
    expect(await a.getByRole('switch', { name: 'Send public comments' }).isChecked()).toBe(true);
    await privateNotes.check();
    await a.getByText('Private notes will leave your organisation.').waitFor();
    await privateNotes.uncheck();
    expect(await a.getByText('Private notes will leave your organisation.').count()).toBe(0);
    // Source side: no reverse sync section.
    expect(await a.getByRole('heading', { name: 'Reverse sync' }).count()).toBe(0);
    // The platform's comment channels of the chosen visibility, when it has several (public: a note or a reply that mails the requester).
    const incoming = a.getByLabel('Write incoming comments as');
    const channel = a.getByLabel('Freshservice channel for incoming comments');
    expect(await channel.count()).toBe(0);
    await incoming.selectOption('public');
    expect(await channel.locator('option').allInnerTexts()).toEqual([
      'Automatic (one that does not e-mail the requester)',
      'Public note',
      'Reply (e-mails the requester)',
    ]);
    await incoming.selectOption('private');
    expect(await channel.count()).toBe(0);

    // Picklists come live from Acme's Freshservice.
    const group = a.getByLabel('Group', { exact: true });
    await expect.poll(async () => (await group.locator('option').allInnerTexts()).join('|'), { timeout: 10_000 }).toContain('Hardware Support');
    await group.selectOption({ label: 'Service Desk' });
    await a.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });

    // A server-side validation error is shown next to its field.
    await a.getByLabel('Default requester e-mail').fill('not-an-email');
    await button(a, 'Save').click();
    const emailError = a
      .locator('.field--invalid')
      .filter({ has: a.getByLabel('Default requester e-mail') })
      .locator('.field__error');
    await emailError.waitFor();
    expect(await emailError.innerText()).toContain('e-mail');
    await shoot(a, 'configuration-field-error', { fullPage: false, scrollTo: a.getByLabel('Default requester e-mail') });

    await a.getByLabel('Default requester e-mail').fill('servicedesk@acme.example');
    await button(a, 'Save').click();
    await a.getByText('✓ Configuration saved').waitFor();
    await a.reload();
    await a.getByRole('switch', { name: 'Send private notes' }).waitFor();
    await expect.poll(() => a.getByLabel('Group', { exact: true }).locator('option:checked').innerText()).toBe('Service Desk');
    expect(await a.getByLabel('Default requester e-mail').inputValue()).toBe('servicedesk@acme.example');
    await shoot(a, 'configuration');
  });

  it('Acme maps status Pending to Open and adds Priority to the description builder', async () => {
    await a.getByRole('navigation', { name: 'Connection sections' }).getByRole('link', { name: 'Field mappings' }).click();
    expect(await a.getByRole('tab', { name: 'Incident' }).getAttribute('aria-selected')).toBe('true');
    const status = a.getByRole('group', { name: /^Mapping \d+: Status to Status$/ });
    await status.waitFor({ timeout: 15_000 });
    expect(await status.getByLabel('Direction').inputValue()).toBe('bidirectional');
    expect(await status.getByLabel('Kind').inputValue()).toBe('value');
    const pendingTarget = status.getByLabel('Target value for Pending');
    expect(await pendingTarget.locator('option:checked').innerText()).toBe('Pending');
    await pendingTarget.selectOption({ label: 'Open' });
    // Two statuses onto one cannot be carried back: refused while the mapping is bidirectional, shown on the pair.
    await button(a, 'Save mappings').click();
    await a.locator('.savebar .notice--error').getByText('Check the highlighted mapping').waitFor();
    expect(await status.getAttribute('class')).toContain('mapping--invalid');
    expect(await status.locator('.field__error').innerText()).toContain('only one value');
    await shoot(a, 'mappings-error', { fullPage: false, scrollTo: status });
    await status.getByLabel('Direction').selectOption({ label: 'Source to target' });

    await a.getByLabel('Add a source field').selectOption({ label: 'Priority' });
    await button(a, 'Add field').click();
    await a.getByLabel('Separator').fill('=====');
    const preview = a.getByLabel('Description preview');
    // New connections open each copy with the partner ticket's number and link (the preview's sample one).
    await expect
      .poll(() => preview.innerText())
      .toMatch(/^Partner ticket: INC-\d+ \(https:\/\/\S+\/a\/tickets\/\d+\)\nPriority: \w+\n=====\nPaper jams on every second page\.$/);

    await button(a, 'Save mappings').click();
    // The value pair and the description line write into Globex's platform: they wait for Globex's admin.
    await a.getByText(/Not applied yet: .*only when an admin of Globex Services approves it/).waitFor();
    const waiting = a.getByRole('region', { name: 'Pending changes' }).getByRole('listitem', { name: /^Field mappings change proposed by / });
    await waiting.waitFor();
    expect(await waiting.innerText()).toContain('Incident: descriptions get a line with source priority');
    expect(await waiting.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await waiting.getByRole('button', { name: 'Withdraw' }).waitFor();
    await shoot(a, 'mappings-pending');
    await b.goto(`${stack.url}/connections`);
    await b
      .getByRole('region', { name: 'Active connections' })
      .getByRole('link', { name: `Open ${CONTRACT}` })
      .click();
    const incoming = b.getByRole('region', { name: 'Pending changes' }).getByRole('listitem', { name: /^Field mappings change proposed by / });
    expect(await incoming.getByRole('list', { name: 'New writes into your platform' }).innerText()).toContain('descriptions get a line with source priority');
    await shoot(b, 'pending-changes');
    await incoming.getByRole('button', { name: 'Approve' }).click();
    await b.getByRole('region', { name: 'Pending changes' }).getByText('No changes are waiting for approval.').waitFor();
    await a.reload();
    const reloaded = a.getByRole('group', { name: /^Mapping \d+: Status to Status$/ });
    await reloaded.waitFor({ timeout: 15_000 });
    expect(await reloaded.getByLabel('Target value for Pending').locator('option:checked').innerText()).toBe('Open');
    expect(await reloaded.getByLabel('Direction').inputValue()).toBe('source_to_target');
    expect(await a.getByRole('list', { name: 'Fields in the description' }).innerText()).toContain('Priority');
    expect(await a.getByLabel('Separator').inputValue()).toBe('=====');
    await shoot(a, 'mappings');
  });

  it('a mapping the platform cannot take is refused and shown on its row', async () => {
    await button(a, 'Add mapping').click();
    const added = a.locator('.mapping').last();
    expect(await added.getAttribute('aria-label')).toMatch(/^Mapping \d+: … to …$/);
    await added.getByLabel('Source field').selectOption({ label: 'Status' });
    await button(a, 'Save mappings').click();
    const notice = a.locator('.savebar .notice--error');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Check the highlighted mapping');
    expect(await a.locator('.mapping--invalid').count()).toBe(1);
    await shoot(a, 'mappings-error-new-row', { fullPage: false, scrollTo: a.locator('.mapping--invalid') });
    await a.reload(); // drop the unsaved row
  });

  it('Acme runs Sync now from a start date and follows the run in Sync history', async () => {
    await a.getByRole('navigation', { name: 'Connection sections' }).getByRole('link', { name: 'Sync' }).click();
    const start = a.getByRole('region', { name: 'Sync now' }).getByLabel('Start date');
    await start.waitFor();
    expect(await start.inputValue()).toBe(localDate(7)); // default: 7 days ago
    await start.fill(localDate(8));
    await button(a, 'Sync now').click();
    await a.getByText('Sync started').waitFor();
    await shoot(a, 'connection-sync');

    await nav(a, 'Sync').click();
    await a.getByRole('heading', { name: 'Sync history', level: 1 }).waitFor();
    const row = a.locator('table tbody tr').first();
    await row.waitFor();
    expect(await row.innerText()).toContain(CONTRACT);
    // The page refreshes itself while the run is running.
    await expect.poll(() => row.locator('.badge').innerText(), { timeout: 30_000 }).toMatch(/^(Success|Partial)$/);
    expect(await row.innerText()).toContain('Manual');
    await shoot(a, 'sync-history');
    await row.getByRole('link').click();
    await a.getByRole('heading', { name: 'Sync details', level: 1 }).waitFor();
    runUrl = a.url();
  });

  it('the run details list each ticket Created with its ticket on Globex', async () => {
    const rows = a.getByRole('region', { name: 'Tickets' }).locator('tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    const created = texts.filter((t) => t.includes('Created'));
    expect(created.length).toBeGreaterThanOrEqual(3);
    const targetIds = await a.getByRole('region', { name: 'Tickets' }).locator('tbody tr:has-text("Created") td[data-label="Target ticket"]').allInnerTexts();
    expect(targetIds.every((t) => /^#\d+$/.test(t.trim()))).toBe(true);
    for (const id of targetIds) expect(simB.state.tickets.has(Number(id.trim().slice(1)))).toBe(true);
    await shoot(a, 'sync-details');

    // The demo tickets changed since the start date are now on Globex, and none twice (the connector
    // works in the primary workspace; the demo's HR ticket lives in another one).
    const since = new Date(`${localDate(8)}T00:00:00`).getTime(); // local midnight, as the UI sends it
    const recent = [...simA.state.tickets.values()].filter((t) => t.updated_at >= since && t.workspace_id === PRIMARY_WORKSPACE_ID);
    expect(recent.length).toBeGreaterThanOrEqual(3);
    const onB = [...simB.state.tickets.values()];
    for (const t of recent)
      expect(
        onB.filter((x) => x.subject === t.subject),
        t.subject,
      ).toHaveLength(1);
    // Pending on Acme arrives as Open on Globex: the value mapping saved above is used.
    const battery = onB.find((t) => t.subject === 'Laptop battery swelling');
    expect(battery?.status).toBe(2);
    // The description builder wrote Priority above the original description.
    expect(battery?.description).toContain('Priority:');
  });

  it('the connection is now Ready for automatic sync on both sides, and Globex sees the run', async () => {
    await nav(a, 'Connections').click();
    await a.getByRole('region', { name: 'Active connections' }).getByText('Ready for automatic sync').waitFor();
    await nav(b, 'Sync').click();
    const row = b.locator('table tbody tr').first();
    await row.waitFor();
    expect(await row.innerText()).toContain(CONTRACT);
    await b.goto(runUrl);
    await b.getByRole('heading', { name: 'Sync details', level: 1 }).waitFor();
  });

  it('Globex, the Target, may switch on reverse sync; an API override error shows under its field', async () => {
    await nav(b, 'Connections').click();
    await b
      .getByRole('region', { name: 'Active connections' })
      .getByRole('link', { name: `Open ${CONTRACT}` })
      .click();
    const reverse = b.getByRole('switch', { name: 'Send tickets created here to the source' });
    await reverse.waitFor();
    expect(await reverse.isChecked()).toBe(false);
    await reverse.check();
    await b.getByRole('heading', { name: 'Reverse sync filter' }).waitFor();
    await b.getByRole('switch', { name: 'Use a different API account for this connection' }).check();
    await b.getByLabel('Override API URL').fill('https://example.com/not-freshservice');
    await b.getByLabel('Override API Key').fill(simB.keyFor('admin'));
    await button(b, 'Save').click();
    const urlError = b
      .locator('.field--invalid')
      .filter({ has: b.getByLabel('Override API URL') })
      .locator('.field__error');
    await urlError.waitFor();
    expect(await b.locator('.savebar .notice--error').innerText()).toContain('Check the highlighted field');
    await shoot(b, 'configuration-target');
    await b.getByRole('switch', { name: 'Use a different API account for this connection' }).uncheck();
    await button(b, 'Save').click();
    await b.getByText('✓ Configuration saved').waitFor();
    // Reverse sync writes into Acme's platform: the rest is saved, reverse sync waits for Acme's admin.
    await b.getByText(/Reverse sync is not changed yet: .*only when an admin of Acme Corporation approves it/).waitFor();
    await b.reload();
    await b.getByText(/waiting for an admin of Acme Corporation \(see Pending changes\)/).waitFor();
    expect(await reverse.isChecked()).toBe(false);
    const proposed = b.getByRole('region', { name: 'Pending changes' }).getByRole('listitem', { name: /^Reverse sync change proposed by / });
    expect(await proposed.innerText()).toMatch(/Reverse sync: tickets created on the target \(every ticket\) are created on the source/);
    await proposed.getByRole('button', { name: 'Withdraw' }).click();
    await b.getByRole('region', { name: 'Pending changes' }).getByText('No changes are waiting for approval.').waitFor();
  });

  /** Opens the connection's Sync tab on Acme's page and starts a run from the default start date. */
  async function syncNow(page: Page) {
    await page.goto(`${stack.url}/connections`);
    await page
      .getByRole('region', { name: 'Active connections' })
      .getByRole('link', { name: `Open ${CONTRACT}` })
      .click();
    await page.getByRole('navigation', { name: 'Connection sections' }).getByRole('link', { name: 'Sync' }).click();
    await button(page, 'Sync now').click();
    await page.getByText('Sync started').waitFor();
  }

  /** The newest run in Sync history once it has finished: its badge text. */
  async function newestRunStatus(page: Page): Promise<string> {
    await nav(page, 'Sync').click();
    const badge = page.locator('table tbody tr').first().locator('.badge');
    await expect.poll(() => badge.innerText(), { timeout: 30_000 }).not.toBe('Running');
    return badge.innerText();
  }

  it('a second Sync now while one is running is refused with a clear message; history refreshes until it ends', async () => {
    simA.faults.set({ latencyMs: 600 }); // a slow platform keeps the run going for a few seconds
    try {
      await syncNow(a);
      await button(a, 'Sync now').click();
      await a.getByText('A sync of this connection is already running').waitFor();
      await shoot(a, 'connection-sync-busy', { fullPage: false });
      await nav(a, 'Sync').click();
      const badge = a.locator('table tbody tr').first().locator('.badge');
      await badge.getByText('Running').waitFor();
      await a.getByText('Refreshing while a sync runs').waitFor();
      await shoot(a, 'sync-history-running');
      await expect.poll(() => badge.innerText(), { timeout: 40_000 }).not.toBe('Running');
    } finally {
      simA.faults.clear();
    }
  }, 60_000);

  it('a Partial run points at the failed rows', async () => {
    const onB = () => [...simB.state.tickets.values()];
    const battery = [...simA.state.tickets.values()].find((t) => t.subject === 'Laptop battery swelling')!;
    const copy = onB().find((t) => t.subject === 'Laptop battery swelling')!;
    battery.subject = 'Laptop battery swelling badly';
    simA.state.touchTicket(battery, Date.now());
    const requester = [...simA.state.users.values()].find((u) => u.agent === null && u.email)!;
    simA.state.createTicket({ subject: 'Monitor flickers', description: 'The left monitor flickers.', requester_id: requester.id });
    // Globex refuses the update of one linked ticket: a permission gap on one record.
    simB.faults.set({
      rules: [
        {
          method: 'PUT',
          pathPattern: `^/api/v2/tickets/${copy.id}$`,
          status: 403,
          body: { code: 'access_denied', message: 'You are not authorized to perform this action.' },
        },
      ],
    });
    try {
      await syncNow(a);
      expect(await newestRunStatus(a)).toBe('Partial');
      await a.locator('table tbody tr').first().getByRole('link').click();
      await a.getByText('Some tickets failed.').waitFor();
      const failed = a.getByRole('region', { name: 'Tickets' }).locator('tbody tr', { hasText: 'Failed' });
      expect(await failed.count()).toBeGreaterThanOrEqual(1);
      expect(await failed.first().locator('td[data-label="Error"]').innerText()).not.toBe('—');
      expect(await a.getByRole('region', { name: 'Tickets' }).locator('tbody tr', { hasText: 'Created' }).count()).toBe(1);
      await shoot(a, 'sync-details-partial');
    } finally {
      simB.faults.clear();
    }
    expect(onB().filter((t) => t.subject === 'Monitor flickers')).toHaveLength(1);
  }, 60_000);

  it('a Failed run names the side at fault: Acme is told Globex is rejecting its key; Globex to test its own key again', async () => {
    const battery = [...simA.state.tickets.values()].find((t) => t.subject.startsWith('Laptop battery'))!;
    simA.state.touchTicket(battery, Date.now());
    simB.faults.set({
      rules: [{ pathPattern: '^/api/v2/', status: 401, body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' } }],
    });
    try {
      await syncNow(a);
      expect(await newestRunStatus(a)).toBe('Failed');
      await a.locator('table tbody tr').first().getByRole('link').click();
      // Acme's side worked: it is told whose platform failed, and that they know (issue 12 item 11).
      await a.getByText('The sync run failed on Globex Services’s side.').waitFor();
      await a.getByText("Globex Services's Freshservice is rejecting its key; they have been told.", { exact: false }).waitFor();
      expect(await a.locator('main').innerText()).not.toMatch(/nothing had changed/i);
      await shoot(a, 'sync-details-failed');
      // Globex is told its key was rejected, and its Settings say the last test is stale.
      const runUrl = a.url();
      await b.goto(runUrl);
      await b.getByText('The sync run failed on your side.').waitFor();
      await b.getByText('Your key was rejected by Freshservice during this sync: test it again in Settings', { exact: false }).waitFor();
      expect(await b.getByRole('link', { name: 'Open Settings' }).getAttribute('href')).toBe('/settings');
      await b.goto(`${stack.url}/settings`);
      await b.getByText(/Your key was rejected by Freshservice during a sync at .*: test it again\./).waitFor();
      await nav(a, 'Sync').click();
      await a.locator('table tbody tr').first().waitFor();
      await shoot(a, 'sync-history-statuses');
    } finally {
      simB.faults.clear();
    }
  }, 60_000);

  it('every page reads well on a 390 px phone screen', async () => {
    await a.setViewportSize({ width: 390, height: 844 });
    const conn = a.getByRole('region', { name: 'Active connections' });
    await a.goto(`${stack.url}/connections`);
    await conn.getByText(CONTRACT).waitFor();
    await shoot(a, 'narrow-connections');
    await conn.getByRole('link', { name: `Open ${CONTRACT}` }).click();
    await a.getByRole('switch', { name: 'Send private notes' }).waitFor();
    await shoot(a, 'narrow-configuration');
    await a.getByRole('link', { name: 'Field mappings' }).click();
    await a.getByRole('group', { name: /Status to Status/ }).waitFor({ timeout: 15_000 });
    await shoot(a, 'narrow-mappings');
    await a.getByRole('navigation', { name: 'Connection sections' }).getByRole('link', { name: 'Sync' }).click();
    await a.getByRole('region', { name: 'Sync now' }).getByLabel('Start date').waitFor();
    await shoot(a, 'narrow-connection-sync');
    await nav(a, 'Sync').click();
    await a.locator('table tbody tr').first().waitFor();
    await shoot(a, 'narrow-sync-history');
    await a.goto(runUrl);
    await a.getByRole('region', { name: 'Tickets' }).locator('tbody tr').first().waitFor();
    await shoot(a, 'narrow-sync-details');
    // Nothing is wider than the screen.
    for (const path of ['/connections', runUrl, '/sync']) {
      await a.goto(path.startsWith('http') ? path : `${stack.url}${path}`);
      await a.locator('h1').first().waitFor();
      expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await a.setViewportSize({ width: 1280, height: 900 });
  });

  it('the UI ran under a Content-Security-Policy without inline script, and it blocked nothing', async () => {
    const res = await fetch(stack.url);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(cspViolations).toEqual([]);
  });

  it('Globex revokes the connection after confirming', async () => {
    await nav(b, 'Connections').click();
    const active = b.getByRole('region', { name: 'Active connections' });
    await active.getByText(CONTRACT).waitFor();
    await active.getByRole('button', { name: 'Revoke' }).click();
    await active.getByText(`Revoke “${CONTRACT}”?`).waitFor();
    await button(b, 'Yes, revoke').click();
    await active.getByText('No active connections yet').waitFor();
  });
});
