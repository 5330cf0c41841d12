import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signature of the outgoing webhook (docs/operations.md "Verifying the webhook signature"):
 *
 *   X-Support-Fusion-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the signing secret>
 *
 * The timestamp is signed with the body, so a receiver that also bounds its age (5 minutes is usual)
 * refuses a captured request replayed later. `v1` names the scheme so another can be added beside it.
 */

export const SIGNATURE_HEADER = 'x-support-fusion-signature';

/** A new signing secret: shown to the admin once, stored only sealed. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

/**
 * What a receiver does (and our tests): the header parsed, the HMAC recomputed over the raw body and
 * compared in constant time, the timestamp no older (or newer) than `toleranceSeconds`.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): { ok: true } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: 'no signature header' };
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const k = item.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(i + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return { ok: false, reason: 'no timestamp' };
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  const match = (parts.get('v1') ?? []).some((v) => {
    const got = Buffer.from(v, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  return match ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
