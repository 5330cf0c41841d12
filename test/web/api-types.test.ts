/**
 * The committed API types (web/src/api-types.gen.ts) are what `npm run gen:api-types` makes of the current
 * routes: a route schema changed without generating again fails here, naming the command that fixes it.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/gen-api-types.ts';

describe('generated API types', () => {
  it('web/src/api-types.gen.ts matches the OpenAPI document of the current source', { timeout: 120_000 }, async () => {
    const [committed, current] = await Promise.all([readFile(API_TYPES_FILE, 'utf8'), generateApiTypes()]);
    expect(current.length).toBeGreaterThan(1000);
    // A diff of 8000 lines helps nobody: the first differing line says what moved.
    const a = committed.split('\n');
    const b = current.split('\n');
    const at = a.findIndex((line, i) => line !== b[i]);
    const where = at === -1 && a.length === b.length ? null : `line ${at + 1}: committed ${JSON.stringify(a[at])}, current ${JSON.stringify(b[at])}`;
    expect(where, 'web/src/api-types.gen.ts is stale: run `npm run gen:api-types` and commit it').toBeNull();
  });
});
