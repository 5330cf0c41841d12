import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availablePlatforms } from '../../src/connectors/registry.ts';

const root = join(import.meta.dirname, '..', '..');
// The categories the guides have a section for; rate limits and server errors need no set-up.
const GUIDED = ['authentication_failed', 'permission_denied', 'invalid_api_url', 'connection_timeout', 'connection_refused'] as const;

describe.each(availablePlatforms().map((d) => ({ id: d.manifest.id, manifest: d.manifest })))('setup guide of $id', ({ id, manifest }) => {
  // The file the web app bundles for the guide (GuidePage.tsx): the manifest's, else docs/<id>-setup.md.
  const named = manifest.setupGuide.file ?? `docs/${id}-setup.md`;
  const file = join(root, named);

  it('is bundled where the manifest says the app shows it', () => {
    expect(manifest.setupGuide.path, 'a platform users set up needs its guide').toMatch(/^\/guide(\/[a-z_]+)?$/);
    // The app bundles docs/*-setup.md and docs/connectors/*.md only.
    expect(named).toMatch(/^docs\/([a-z_]+-setup|connectors\/[a-z_-]+)\.md$/);
    expect(existsSync(file), named).toBe(true);
  });

  it("repeats Test Connection's hints word for word, so the screen and the guide agree", () => {
    const guide = readFileSync(file, 'utf8');
    const missing = GUIDED.flatMap((code) => manifest.troubleshooting[code].filter((hint) => !guide.includes(hint)).map((hint) => `${code}: ${hint}`));
    expect(missing).toEqual([]);
  });

  it('has the webhook section the webhook card links to, when the platform takes webhooks', () => {
    if (!manifest.webhook) return;
    expect(readFileSync(file, 'utf8')).toMatch(/^## Real-time updates \(webhook\)$/m);
  });
});
