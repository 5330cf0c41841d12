/** Shared by the browser tests: where Chromium is, how it is launched, and screenshots into test-results/. */
import { existsSync, readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[browser tests] skipped: ${CHROMIUM} not found (CI installs it: apt-get install -y chromium).`);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** What `shoot` injects for a full-page image (the only inline style a page sees: the app's CSP reports it). */
export const SCREENSHOT_STYLE = '.topbar, .savebar { position: static !important; }';

/** Saves test-results/<name>.png (full page unless told otherwise), scrolled to `scrollTo` first when given. */
export async function shoot(page: Page, name: string, opts: { fullPage?: boolean; scrollTo?: Locator } = {}): Promise<void> {
  if (opts.scrollTo) await opts.scrollTo.first().scrollIntoViewIfNeeded();
  const fullPage = opts.fullPage ?? true;
  // Sticky bars would be drawn where the viewport happens to be, in the middle of a full-page image.
  const style = fullPage ? SCREENSHOT_STYLE : undefined;
  await page.screenshot({ path: `test-results/${name}.png`, fullPage, animations: 'disabled', ...(style ? { style } : {}) });
}

const AXE_SOURCE = 'node_modules/axe-core/axe.min.js';

/**
 * Puts axe-core into the page. The app's Content-Security-Policy refuses inline scripts, so a script tag
 * would be blocked; Playwright's evaluate runs through the DevTools protocol, which the policy does not cover.
 */
export async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => 'axe' in window)) return;
  await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
}

type AxeResult = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> };

/**
 * The serious and critical accessibility violations axe-core finds on the page (or within the element
 * `within` selects), one line each with the elements and what is wrong, so a failing test says where.
 */
export async function seriousAxeViolations(page: Page, within?: string): Promise<string[]> {
  await injectAxe(page);
  return page.evaluate(async (sel) => {
    const ctx = sel ? document.querySelector(sel)! : document;
    const r = await (window as unknown as { axe: { run: (ctx: Element | Document, o: object) => Promise<AxeResult> } }).axe.run(ctx, {
      resultTypes: ['violations'],
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.trim()).join(', ')}`);
  }, within ?? null);
}
