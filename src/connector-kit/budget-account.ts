import { createHash } from 'node:crypto';

/**
 * Which API budget a credential spends (see src/db/repositories/rate-budget.ts).
 *
 * Platform limits are per account (host), whatever the key, so credentials that proved they belong to the
 * account — they passed Test Connection — share the host's budget. Anyone can save any host with any key,
 * though: a credential that has not passed a test spends a separate budget of its own
 * (`<host>~untested-<fingerprint>`), so a bogus key saved by another tenant can never use up, or block with
 * its 429s, the budget of the real account's owner.
 */
const UNTESTED = '~untested-';

/**
 * A fingerprint of one credential (platform host + key): SHA-256 over a fixed label, the host and the key.
 * It identifies the credential without revealing it; API keys are long random strings, so it cannot be
 * reversed by guessing.
 */
export function credentialFingerprint(apiUrl: string, apiKey: string): string {
  return createHash('sha256')
    .update(`sf-budget-credential\0${hostOf(apiUrl)}\0${apiKey}`)
    .digest('hex');
}

/** The budget account of a credential: the host when it passed a test, else its own budget. */
export function budgetAccountOf(apiUrl: string, credential: { fingerprint: string; tested: boolean }): string {
  const host = hostOf(apiUrl);
  return credential.tested ? host : `${host}${UNTESTED}${credential.fingerprint.slice(0, 16)}`;
}

/** Accounts of untested credentials (rate-budget.ts can cap their limit). */
export function isUntestedAccount(account: string): boolean {
  return account.includes(UNTESTED);
}

/** The platform host an account spends on (what people recognise), without the untested suffix. */
export function accountHost(account: string): string {
  const i = account.indexOf(UNTESTED);
  return i < 0 ? account : account.slice(0, i);
}

function hostOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).host.toLowerCase();
  } catch {
    return apiUrl.toLowerCase();
  }
}
