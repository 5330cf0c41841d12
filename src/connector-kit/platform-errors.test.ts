import { describe, expect, it } from 'vitest';
import type { HttpResponse } from './http.ts';
import { rateLimitedError, serverError, unexpectedShapeError } from './platform-errors.ts';

const answer = (status: number, retryAfterSeconds: number | null): HttpResponse => ({
  status,
  headers: new Headers(),
  text: '',
  json: undefined,
  rateLimit: { total: null, remaining: null, usedByRequest: null, retryAfterSeconds },
});

describe('platform errors worded the same on every platform', () => {
  it.each([
    [
      'a 429 with a wait',
      rateLimitedError('Acme', answer(429, 30), 'list tickets'),
      'rate_limited',
      "Acme's API rate limit is used up while trying to list tickets.",
      { status: 429, retryAfterMs: 30_000 },
    ],
    [
      'a 429 without one',
      rateLimitedError('Acme', answer(429, null), 'list tickets'),
      'rate_limited',
      "Acme's API rate limit is used up while trying to list tickets.",
      { status: 429 },
    ],
    ['a 502', serverError('Acme', 502, 'update ticket 7'), 'server', 'Acme answered 502 (server error) while trying to update ticket 7.', { status: 502 }],
    [
      'a body that is not the JSON',
      unexpectedShapeError('Acme', 'GET /tickets', 'list tickets', 200),
      'unexpected_response',
      "Acme's answer to GET /tickets was not the expected JSON while trying to list tickets.",
      { status: 200 },
    ],
  ])('%s', (_n, err, kind, message, details) => {
    expect(err.kind).toBe(kind);
    expect(err.message).toBe(message);
    expect(err.details).toEqual(details);
  });
});
