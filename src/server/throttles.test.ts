import { expect, it } from 'vitest';
import { LOGIN_PER_ACCOUNT, LOGIN_PER_ACCOUNT_AND_ADDRESS } from './throttles.ts';
import { progressiveDelayMs, waitMs, type ThrottleRule } from '../core/throttle-policy.ts';

const S = 1000;
const MIN = 60 * S;

it('window: at most `limit` attempts from the window’s start, then a wait until it ends; a new window starts afresh', () => {
  const rule: ThrottleRule = { name: 't', kind: 'window', limit: 3, windowMs: MIN };
  const at = (attempts: number) => ({ attempts, windowStart: 0, lastAt: 10 * S });
  expect(waitMs(rule, at(2), 10 * S)).toBe(0);
  expect(waitMs(rule, at(3), 10 * S)).toBe(50 * S);
  expect(waitMs(rule, at(3), 59 * S)).toBe(1 * S);
  expect(waitMs(rule, at(3), MIN)).toBe(0);
});

it('progressive: free attempts, then a wait from the latest attempt that doubles and stops at its ceiling; a quiet hour resets', () => {
  const rule = LOGIN_PER_ACCOUNT_AND_ADDRESS;
  if (rule.kind !== 'progressive') throw new Error('expected a progressive rule');
  const t = 1_000_000;
  const at = (attempts: number) => ({ attempts, windowStart: 0, lastAt: t });
  expect(waitMs(rule, at(4), t)).toBe(0);
  expect([5, 6, 7, 8, 9, 10, 11, 100].map((n) => progressiveDelayMs(rule, n) / S)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  expect(waitMs(rule, at(6), t + 20 * S)).toBe(40 * S);
  expect(waitMs(rule, at(6), t + 60 * S)).toBe(0);
  // Never a lock: at worst one attempt every 15 minutes, and after an hour without attempts the count starts again.
  expect(waitMs(rule, at(1_000_000), t + 15 * MIN)).toBe(0);
  expect(waitMs(rule, at(1_000_000), t + 60 * MIN)).toBe(0);
});

it('the per-account ceiling (all addresses) keeps the rightful user out for 5 minutes at most', () => {
  if (LOGIN_PER_ACCOUNT.kind !== 'progressive') throw new Error('expected a progressive rule');
  expect(LOGIN_PER_ACCOUNT.maxWaitMs).toBe(5 * MIN);
  expect(progressiveDelayMs(LOGIN_PER_ACCOUNT, 10_000)).toBe(5 * MIN);
});
