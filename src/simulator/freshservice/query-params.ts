import type { Ctx } from './router.ts';
import { validationFailed } from './errors.ts';

/** `page` and `per_page`, accepted by every paginated list [Docs 4]. */
export const PAGING = ['page', 'per_page'] as const;

/**
 * Freshservice answers any attribute it does not know with 400 `invalid_field` [spec 2.1, 2.3], query
 * parameters included, so a client that sends one (a typo, a Freshdesk-only filter) finds out in tests.
 * Each route lists what it knows in its `query` allow-list (none when absent).
 */
export function rejectUnknownQuery(allowed: readonly string[] | undefined, query: Ctx['query']): void {
  const known = new Set(allowed ?? []);
  const unknown = Object.keys(query).filter((k) => !known.has(k));
  if (unknown.length === 0) return;
  throw validationFailed(unknown.map((field) => ({ field, message: 'Unexpected/invalid field in request', code: 'invalid_field' as const })));
}
