import { describe, expect, it } from 'vitest';
import { httpResult, smtpFailure } from './deliver.ts';

const answer = (status: number, text = '', headers: Record<string, string> = {}) => ({ status, text, headers: new Headers(headers) });

describe('delivery results in words', () => {
  it.each([
    [200, 'ok', true, false, /accepted the message \(200\)/],
    [404, 'no_team', false, false, /answered 404 \(not found\): “no_team”: the URL is mistyped or the webhook was deleted/],
    [410, 'channel_is_archived', false, false, /410/],
    [403, 'invalid_token', false, false, /refused the message \(403\): “invalid_token”/],
    [400, 'invalid_payload', false, false, /refused the message \(400\)/],
    [429, '', false, true, /answered 429; delivery is tried again later/],
    [503, 'busy', false, true, /answered 503/],
    [302, '', false, false, /redirects are not followed/],
  ] as const)('Slack %i %s', (status, text, ok, retryable, words) => {
    const r = httpResult('Slack', answer(status, text, status === 302 ? { location: 'https://elsewhere.example.com/' } : {}));
    expect(r.ok).toBe(ok);
    if (!r.ok) {
      expect(r.retryable).toBe(retryable);
      expect(r.error).toMatch(words);
    } else expect(r.detail).toMatch(words);
  });

  it.each([
    [
      { code: 'EAUTH', message: 'Invalid login', response: '535 5.7.8 Authentication credentials invalid' },
      false,
      /SMTP authentication failed at smtp.example.com:587: the server refused the user name or password \(the server said: 535/,
    ],
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED 10.0.0.1:587' }, true, /unreachable: connection refused/],
    [{ code: 'ETIMEDOUT', message: 'Connection timeout' }, true, /did not answer in time/],
    [{ code: 'EENVELOPE', message: 'Recipient refused', response: '550 no such user' }, false, /refused the sender or a recipient/],
    [{ code: 'ETLS', message: 'STARTTLS failed' }, false, /TLS with the SMTP server/],
    [{ code: 'EMESSAGE', message: 'Try later', responseCode: 451 }, true, /deferred the message \(451\)/],
  ])('SMTP %j', (err, retryable, words) => {
    const r = smtpFailure('smtp.example.com:587', err);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.retryable).toBe(retryable);
      expect(r.error).toMatch(words);
    }
  });
});
