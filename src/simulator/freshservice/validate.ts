import type { z } from 'zod';
import { ApiError, fieldError, validationFailed, type FieldError } from './errors.ts';

/**
 * Parses a request body with a strict zod schema and reports problems the Freshservice way:
 * unknown attribute → invalid_field, absent mandatory → missing_field, wrong JSON type → datatype_mismatch,
 * anything else → invalid_value.
 */
export function parseBody<T extends z.ZodTypeAny>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const errors: FieldError[] = [];
  for (const issue of r.error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) errors.push({ field: base ? `${base}.${k}` : k, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
      continue;
    }
    if (issue.code === 'invalid_type') {
      const present = lookup(raw, issue.path) !== undefined;
      errors.push(
        present
          ? { field: base, message: `It should be a/an ${typeName(issue.expected)}`, code: 'datatype_mismatch' }
          : { field: base, message: `It should be a/an ${typeName(issue.expected)}`, code: 'missing_field' },
      );
      continue;
    }
    errors.push({ field: base, message: issue.message, code: 'invalid_value' });
  }
  throw validationFailed(errors);
}

function lookup(obj: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function typeName(expected: unknown): string {
  switch (expected) {
    case 'number':
    case 'int':
      return 'Integer';
    case 'boolean':
      return 'Boolean';
    case 'array':
      return 'Array';
    case 'object':
      return 'key/value pair';
    default:
      return 'String';
  }
}

/** Page/per_page for plain lists: per_page 1..100 (default 30), page ≥ 1 [Docs 4]. */
export function pageParams(query: Record<string, string>, defaultPerPage = 30): { page: number; perPage: number } {
  const perPage = query.per_page === undefined ? defaultPerPage : Number(query.per_page);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
    throw fieldError('per_page', 'invalid_value', 'It should be a Positive Integer less than or equal to 100');
  const page = query.page === undefined ? 1 : Number(query.page);
  if (!Number.isInteger(page) || page < 1) throw fieldError('page', 'invalid_value', 'It should be a Positive Integer');
  return { page, perPage };
}

/**
 * Slices one page and builds the `link` header when a next page exists. The docs' own example writes
 * `<url>;rel="next"` without a space; that spelling is kept so clients parse the real thing.
 */
export function paginate<T>(
  items: T[],
  query: Record<string, string>,
  baseUrl: string,
  path: string,
  defaultPerPage = 30,
): { items: T[]; headers: Record<string, string> } {
  const { page, perPage } = pageParams(query, defaultPerPage);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (items.length > page * perPage) {
    const next = new URLSearchParams({ ...query, page: String(page + 1) });
    headers.link = `<${baseUrl}${path}?${next.toString()}>;rel="next"`;
  }
  return { items: slice, headers };
}

export function positiveIntParam(query: Record<string, string>, name: string): number | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw fieldError(name, 'invalid_value', '[ " It should be a/an Positive Integer " ]');
  return n;
}

export { ApiError };
