/**
 * The platforms the conformance suite runs against: every other file in this folder, each with a
 * PlatformHarness as its default export. Adding a platform to the suite is adding its file here.
 * SF_CONFORMANCE_PLATFORM (set by `npm run conformance -- --platform <id>`) narrows the run to one.
 */
import { readdirSync } from 'node:fs';
import type { PlatformHarness } from '../harness.ts';

const folder = new URL('./', import.meta.url);

/** Every harness file's default export, in file-name order; a file without a valid one fails loudly. */
export async function loadHarnesses(): Promise<PlatformHarness[]> {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'))
    .sort();
  const out: PlatformHarness[] = [];
  for (const file of files) {
    const mod = (await import(new URL(file, folder).href)) as { default?: PlatformHarness };
    const h = mod.default;
    if (!h || typeof h.platform !== 'string' || typeof h.start !== 'function')
      throw new Error(`test/conformance/platforms/${file} must export default a PlatformHarness ({ platform, start }).`);
    out.push(h);
  }
  return out;
}

/** The harnesses to run: every one, or the one SF_CONFORMANCE_PLATFORM names (an unknown id fails, naming the known ones). */
export async function selectedHarnesses(env: string | undefined = process.env.SF_CONFORMANCE_PLATFORM): Promise<PlatformHarness[]> {
  const all = await loadHarnesses();
  const wanted = env?.trim();
  if (!wanted) return all;
  const found = all.filter((h) => h.platform === wanted);
  if (found.length === 0) throw new Error(`SF_CONFORMANCE_PLATFORM="${wanted}" has no conformance harness. Known: ${all.map((h) => h.platform).join(', ')}.`);
  return found;
}
