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
import type { SimHandle } from '../conformance/harness.ts';
import { expectJson as json, startPlatformPair, type PlatformPair } from '../helpers/platform-pair.ts';
import type { TestStack } from '../helpers/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, seriousAxeViolations, shoot } from './browser-helpers.ts';

describe.skipIf(!hasChromium)('Sync filters on the Jira side, by role', { timeout: 300_000 }, () => {
  let pair: PlatformPair;
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
    pair = await startPlatformPair(platforms, { contractName: 'Filters by role', listen: true });
    ({ stack, connectionId } = pair);
    Object.assign(sims, pair.sims);
    Object.assign(auth, pair.auth);
    token = pair.tokens.source;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shoot(page, 'failed-filters-by-role').catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await pair?.close();
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
