/**
 * Sync filters on the Jira Service Management side of a Jira ↔ Freshservice connection, in Chromium against the
 * real app and both simulators: Statuses and Ticket types offer Jira's own choices (found by role, as a run
 * reads them: Jira's type field is issuetype), and there is no Groups condition, since Jira has no group field
 * and such a condition would let nothing through. axe finds nothing serious.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { FieldDefinition } from '../../src/core/connector.ts';
import type { PlatformHarness, SimHandle } from '../conformance/harness.ts';
import { loadHarnesses } from '../conformance/platforms/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations, shoot } from './browser-helpers.ts';

const harnesses = await loadHarnesses();
const harness = (id: string): PlatformHarness => {
  const h = harnesses.find((x) => x.platform === id);
  if (!h) throw new Error(`no conformance harness for ${id}`);
  return h;
};

const json = async (r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) => {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json();
};

describe.skipIf(!hasChromium)('Sync filters on the Jira side, by role', { timeout: 300_000 }, () => {
  let stack: TestStack;
  const sims = {} as Record<'source' | 'target', SimHandle>;
  const auth = {} as Record<'source' | 'target', Record<string, string>>;
  let token = '';
  let connectionId = '';
  let browser: Browser;
  let page: Page;
  const platforms = { source: 'jira_service_management', target: 'freshservice' } as const;

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html')) throw new Error('dist/web is not built: run `npm run build:web` first.');
    await mkdir('test-results', { recursive: true });
    [sims.source, sims.target, stack] = await Promise.all([harness(platforms.source).start(), harness(platforms.target).start(), startStack({ listen: true })]);
    for (const side of ['source', 'target'] as const) {
      const who = await signUpAndLogIn(stack.app);
      auth[side] = who.auth;
      if (side === 'source') token = who.token;
      const creds = sims[side].credentials('admin');
      await json(
        stack.app.inject({
          method: 'PUT',
          url: '/api/v1/platform',
          headers: auth[side],
          payload: { platform: platforms[side], apiUrl: creds.apiUrl, credentials: creds.fields },
        }),
        200,
      );
    }
    const created = await json(
      stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth.source, payload: { role: 'source', contractName: 'Filters by role' } }),
      201,
    );
    await json(
      stack.app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: auth.target, payload: { verificationCode: created.verificationCode } }),
      200,
    );
    connectionId = created.id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shoot(page, 'failed-filters-by-role').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([stack?.close(), sims.source?.close(), sims.target?.close()]);
  });

  it('offers Jira statuses and types, and no Groups condition', async () => {
    const jira: FieldDefinition[] = (await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/fields?side=source`, headers: auth.source }), 200))
      .source.fields;
    const labels = (role: string) => jira.find((f) => f.role === role)!.choices.map((c) => c.label);
    const statuses = labels('status');
    const types = labels('type');
    expect(statuses.length).toBeGreaterThan(0);
    expect(types.length).toBeGreaterThan(0);

    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
    await ctx.addCookies([{ name: 'sf_session', value: token, url: stack.url, httpOnly: true, sameSite: 'Lax' }]);
    page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await page.goto(`${stack.url}/connections/${connectionId}`);
    const filters = page.getByRole('region', { name: 'Sync filters' });
    const statusGroup = filters.getByRole('group', { name: 'Statuses' });
    await statusGroup.getByRole('checkbox', { name: statuses[0], exact: true }).waitFor({ timeout: 20_000 });
    for (const s of statuses) expect(await statusGroup.getByRole('checkbox', { name: s, exact: true }).count()).toBe(1);
    const typeGroup = filters.getByRole('group', { name: 'Ticket types' });
    for (const t of types) expect(await typeGroup.getByRole('checkbox', { name: t, exact: true }).count()).toBe(1);
    expect(await filters.getByRole('group', { name: 'Groups' }).count()).toBe(0);
    expect(await filters.getByText('Groups', { exact: true }).count()).toBe(0);

    expect(await seriousAxeViolations(page, 'section[aria-labelledby="filters-title"]')).toEqual([]);
    await ctx.close();
  });
});
