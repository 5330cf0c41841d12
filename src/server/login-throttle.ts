/**
 * Slows password guessing: after `maxFailures` failed logins for one e-mail (or from one address) within
 * the window, further attempts are refused until the oldest failure leaves the window. In memory: a
 * restart forgets, which is acceptable for a guard whose job is to make guessing slow, not impossible.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before another attempt, or 0 when allowed. */
  retryAfterSeconds(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.#recent(key, t);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, Math.ceil((recent[0]! + this.windowMs - t) / 1000));
    }
    return wait;
  }

  fail(keys: string[]): void {
    const t = this.now();
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, t), t]);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }

  #recent(key: string, t: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((x) => x > t - this.windowMs);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }
}
