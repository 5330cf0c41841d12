import type { ThrottleRule } from '../core/throttle-policy.ts';
import { ApiError } from './errors.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Every throttle of the HTTP API, in one place (counters in the database: db/repositories/throttles.ts).
 *
 * Log-in, per account and address: 5 free attempts, then 30 s, 1 min, 2 min … up to 15 min after each
 * further one; the count starts again after an hour without attempts, and a success clears it. A
 * stranger guessing an admin's password thus slows down only themselves: the admin, from another
 * address, is not affected.
 */
export const LOGIN_PER_ACCOUNT_AND_ADDRESS: ThrottleRule = {
  name: 'login-account-address',
  kind: 'progressive',
  free: 5,
  firstWaitMs: 30 * SECOND,
  maxWaitMs: 15 * MINUTE,
  resetMs: 60 * MINUTE,
};
/**
 * Log-in, per account from all addresses together: a looser ceiling against guessing from many
 * addresses. Its wait is capped at 5 minutes, so even a distributed attacker cannot keep the rightful
 * user out for longer than that at a time.
 */
export const LOGIN_PER_ACCOUNT: ThrottleRule = {
  name: 'login-account',
  kind: 'progressive',
  free: 20,
  firstWaitMs: 30 * SECOND,
  maxWaitMs: 5 * MINUTE,
  resetMs: 60 * MINUTE,
};
/** Log-in, per address over all accounts: spraying one password over many e-mails. Looser for shared NATs. */
export const LOGIN_PER_ADDRESS: ThrottleRule = { name: 'login-address', kind: 'window', limit: 50, windowMs: 15 * MINUTE };
/** How long one log-in may hold its account (a crashed process's hold lapses after this). */
export const LOGIN_IN_FLIGHT_MS = 30 * SECOND;

/**
 * Sign-ups per address that did not create an organisation (e-mail taken, link refused): probing which
 * e-mails have accounts. Counted before the e-mail is looked at, taken back when the sign-up succeeds.
 */
export const SIGNUP_FAILURES_PER_ADDRESS: ThrottleRule = { name: 'signup-failures-address', kind: 'window', limit: 10, windowMs: 60 * MINUTE };
/** Every sign-up per address: a script creating organisations in bulk (generous for a team setting up partners). */
export const SIGNUP_PER_ADDRESS: ThrottleRule = { name: 'signup-address', kind: 'window', limit: 200, windowMs: 60 * MINUTE };

/** Wrong connection verification codes per organisation (codes carry 100 bits; see brute-force.test.ts). */
export const VERIFICATION_CODES_PER_ORGANISATION: ThrottleRule = { name: 'verification-code-org', kind: 'window', limit: 10, windowMs: 15 * MINUTE };

/** Invalid invitation or sign-up links per address: a scanner does not cost a lookup per try. */
export const LINK_TOKENS_PER_ADDRESS: ThrottleRule = { name: 'link-token-address', kind: 'window', limit: 30, windowMs: 15 * MINUTE };

/** Unknown webhook tokens per calling address. */
export const HOOK_FAILURES_PER_MINUTE = 60;
export const WEBHOOK_UNKNOWN_PER_ADDRESS: ThrottleRule = { name: 'webhook-unknown-address', kind: 'window', limit: HOOK_FAILURES_PER_MINUTE, windowMs: MINUTE };
/**
 * Calls per webhook URL (token). A call only hints that a ticket changed, so refusing one loses nothing:
 * the next scheduled run reads every change anyway. 60 a minute is more than a helpdesk's workflows send
 * in normal use, and keeps a burst of made-up ticket ids from filling a connection's runs.
 */
export const HOOK_CALLS_PER_MINUTE = 60;
export const WEBHOOK_CALLS_PER_TOKEN: ThrottleRule = { name: 'webhook-token', kind: 'window', limit: HOOK_CALLS_PER_MINUTE, windowMs: MINUTE };

/** The 429 answer, with Retry-After in whole seconds. */
export function tooManyAttempts(retryAfterMs: number, message: (wait: string) => string): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} minutes`;
  return new ApiError(429, 'too_many_attempts', message(wait), { headers: { 'retry-after': String(seconds) } });
}
