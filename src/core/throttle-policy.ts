/**
 * How long a throttled caller waits, as pure arithmetic over a counter (the counters themselves are in
 * the database: src/db/repositories/throttles.ts).
 *
 * - `window`: at most `limit` attempts in a window that starts with the first attempt; then nothing until
 *   the window ends. For rates (webhook calls) and for counting failures (verification codes).
 * - `progressive`: `free` attempts, then a wait after each further attempt that doubles from `firstWaitMs`
 *   up to `maxWaitMs`, counted from the latest attempt; the counter starts again after `resetMs` without
 *   attempts. For log-ins: a stranger's guesses cost them ever longer waits, but never lock the account.
 */
export type ThrottleRule =
  | { name: string; kind: 'window'; limit: number; windowMs: number }
  | { name: string; kind: 'progressive'; free: number; firstWaitMs: number; maxWaitMs: number; resetMs: number };

export interface ThrottleState {
  attempts: number;
  windowStart: number;
  lastAt: number;
}

/** Whether the counter has run out its time and counts from zero again. */
export function isExpired(rule: ThrottleRule, s: ThrottleState, now: number): boolean {
  return rule.kind === 'window' ? now - s.windowStart >= rule.windowMs : now - s.lastAt >= rule.resetMs;
}

/** Milliseconds before another attempt may be made (0: now). */
export function waitMs(rule: ThrottleRule, s: ThrottleState, now: number): number {
  if (isExpired(rule, s, now)) return 0;
  if (rule.kind === 'window') return s.attempts < rule.limit ? 0 : s.windowStart + rule.windowMs - now;
  if (s.attempts < rule.free) return 0;
  return Math.max(0, s.lastAt + progressiveDelayMs(rule, s.attempts) - now);
}

/** The wait a progressive rule imposes after `attempts` attempts (attempts ≥ free). */
export function progressiveDelayMs(rule: Extract<ThrottleRule, { kind: 'progressive' }>, attempts: number): number {
  const doublings = Math.min(30, Math.max(0, attempts - rule.free));
  return Math.min(rule.maxWaitMs, rule.firstWaitMs * 2 ** doublings);
}
