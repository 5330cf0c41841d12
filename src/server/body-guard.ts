import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';

/**
 * The dotted path of the first text (a value or a key) in a parsed JSON body that holds U+0000, or
 * null. PostgreSQL can store that character in neither text nor jsonb, so such a body would fail in
 * the database instead of being refused. Walks without recursion: bodies may be nested very deeply.
 */
export function nulCharacterPath(body: unknown): string | null {
  const todo: Array<[unknown, string]> = [[body, '']];
  while (todo.length > 0) {
    const [value, at] = todo.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return at;
    } else if (Array.isArray(value)) {
      value.forEach((x, i) => todo.push([x, at ? `${at}.${i}` : String(i)]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, x] of Object.entries(value)) {
        const path = at ? `${at}.${key}` : key;
        if (key.includes('\u0000')) return path;
        todo.push([x, path]);
      }
    }
  }
  return null;
}

/** Refuses (400 invalid_characters) any parsed JSON body with a NUL character, before validation and handlers. */
export function registerBodyGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (req.body === null || typeof req.body !== 'object') return;
    const at = nulCharacterPath(req.body);
    if (at === null) return;
    const field = at.replace(/\u0000/g, '\\u0000');
    throw new ApiError(
      400,
      'invalid_characters',
      `${field || 'The request body'} contains the NUL character (\\u0000), which is not allowed in text; remove it.`,
      field ? { field } : {},
    );
  });
}
