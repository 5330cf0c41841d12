/**
 * The configuration's workspace picker in a browser (issue 12 item 4): shown for an account with several
 * workspaces, absent for one with a single workspace; a choice is saved and survives a reload; an unknown
 * workspace saved by another client shows the server's message next to the picker. Checked with axe-core.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { connectTwoOrganisations, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shoot, seriousAxeViolations } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Configuration: workspaces', () => {
  let stack: TestStack;
  let simA: FreshserviceSimulator;
  let simB: FreshserviceSimulator;
  let browser: Browser;
  let page: Page;
  let connectionId = '';
  let tokens: { a: string; b: string };

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [stack, simA, simB] = await Promise.all([
      startStack({ listen: true }),
      startFreshserviceSimulator({ seed: 'demo', name: 'acme', rateLimit: false }),
      startFreshserviceSimulator({ seed: 'empty', name: 'globex', rateLimit: false }),
    ]);
    // The provider's account has one workspace only: no picker there.
    simB.state.workspaces.delete(3);
    for (const [id, g] of simB.state.groups) if (g.workspace_id === 3) simB.state.groups.delete(id);
    const a = await signUpAndLogIn(stack.app, 'wsa');
    const b = await signUpAndLogIn(stack.app, 'wsb');
    tokens = { a: a.token, b: b.token };
    connectionId = await connectTwoOrganisations(stack.app, [a, b], [simA, simB]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shoot(page, 'failed-workspaces').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), simA?.close(), simB?.close()]);
  });

  async function open(token: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: token, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
    const p = await ctx.newPage();
    p.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    const workspaces = p.waitForResponse((r) => r.url().endsWith('/workspaces'));
    await p.goto(`${stack.url}/connections/${connectionId}`);
    await workspaces;
    await p.getByRole('switch', { name: 'Send public comments' }).waitFor();
    return p;
  }

  const save = async (p: Page) => {
    const [res] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/configuration') && r.request().method() === 'PUT'),
      p.getByRole('button', { name: 'Save', exact: true }).click(),
    ]);
    return res;
  };

  it('an account with several workspaces chooses which to sync and where new tickets go', async () => {
    page = await open(tokens.a);
    const picker = page.getByRole('group', { name: 'Workspaces to sync' });
    await picker.waitFor();
    expect(await picker.getByRole('checkbox').count()).toBe(2);
    const createIn = page.getByLabel('Workspace for new tickets');
    expect(await createIn.locator('option:checked').innerText()).toBe('The first chosen (IT)');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await picker.getByRole('checkbox', { name: 'HR', exact: true }).check();
    expect(await createIn.locator('option:checked').innerText()).toBe('The first chosen (HR)');
    expect((await save(page)).status()).toBe(200);
    await page.getByText('✓ Configuration saved').waitFor();
    await shoot(page, 'configuration-workspaces', { fullPage: false, scrollTo: picker });

    await page.reload();
    await page.getByRole('group', { name: 'Workspaces to sync' }).waitFor();
    await expect.poll(() => page.getByRole('checkbox', { name: 'HR', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'IT (primary)' }).isChecked()).toBe(false);
    const cfg = await stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: { cookie: `sf_session=${tokens.a}` } });
    expect(cfg.json().configuration.workspaces).toEqual({ ids: ['3'], createIn: null });
  });

  it('a workspace the account does not have is refused with the server’s message at the picker', async () => {
    // Another client saved a choice, then the workspace was removed from the account.
    simA.state.workspaces.set(4, { ...simA.state.workspaces.get(3)!, id: 4, name: 'Facilities' });
    const put = await stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: { cookie: `sf_session=${tokens.a}` },
      payload: { configuration: { workspaces: { ids: ['4'] } } },
    });
    expect(put.statusCode, put.body).toBe(200);
    simA.state.workspaces.delete(4);
    page = await open(tokens.a);
    const picker = page.getByRole('group', { name: 'Workspaces to sync' });
    await picker.getByRole('checkbox', { name: '4 (not offered by the platform)', exact: true }).waitFor();
    // Changing where new tickets go makes the choice new again: it is checked against the account.
    await picker.getByRole('checkbox', { name: 'HR', exact: true }).check();
    await page.getByLabel('Workspace for new tickets').selectOption({ label: 'HR' });
    expect((await save(page)).status()).toBe(400);
    await picker.locator('.field__error').getByText('There is no workspace 4 in your Freshservice account; choose from IT (2), HR (3).').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Unticked, a workspace the account does not offer leaves the list (so it is clicked, not unchecked).
    await picker.getByRole('checkbox', { name: '4 (not offered by the platform)', exact: true }).click();
    await expect.poll(() => picker.getByRole('checkbox').count()).toBe(2);
    expect((await save(page)).status()).toBe(200);
  });

  it('an account with a single workspace shows no picker', async () => {
    page = await open(tokens.b);
    await page.getByRole('heading', { name: 'Defaults for created tickets' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Workspaces' }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Workspaces to sync' }).count()).toBe(0);
  });
});
