/** The suite's own wiring: every harness file names a registered platform, and the platform filter works. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadHarnesses, selectedHarnesses } from './platforms/index.ts';

describe('conformance harnesses', () => {
  it('each harness file is named for its platform id', async () => {
    const files = readdirSync(new URL('./platforms/', import.meta.url))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .sort();
    const harnesses = await loadHarnesses();
    expect(harnesses.map((h) => `${h.platform}.ts`)).toEqual(files);
  });

  it('SF_CONFORMANCE_PLATFORM narrows the run to one platform; an unknown one is refused, naming the known ones', async () => {
    expect((await selectedHarnesses('freshservice')).map((h) => h.platform)).toEqual(['freshservice']);
    expect((await selectedHarnesses('')).length).toBe((await loadHarnesses()).length);
    await expect(selectedHarnesses('zendesk')).rejects.toThrow(/"zendesk" has no conformance harness\. Known: .*freshservice/);
  });
});
