import { describe, expect, it } from 'vitest';
import { RateWindows, type RateWindowDef } from './rate-windows.ts';

const burst: RateWindowDef = { name: 'burst', limit: 2, windowMs: 1_000 };
const hour: RateWindowDef = { name: 'quota', limit: 3, windowMs: 3_600_000 };

describe('RateWindows', () => {
  it.each([
    { label: 'burst refuses the third call in a second', calls: [0, 10, 20], refusedAt: 2, reason: 'burst' },
    { label: 'a new second refills the burst, the hour quota still binds', calls: [0, 10, 1_000, 1_010], refusedAt: 3, reason: 'quota' },
  ])('$label', ({ calls, refusedAt, reason }) => {
    let t = Date.parse('2026-12-07T10:00:00Z');
    const start = t;
    const w = new RateWindows(() => t);
    const results = calls.map((at) => {
      t = start + at;
      return w.consume([
        { window: burst, key: 'GET /x' },
        { window: hour, key: 'tenant' },
      ]);
    });
    expect(results.findIndex((r) => !r.allowed)).toBe(refusedAt);
    expect(results[refusedAt]!.blockedBy?.window.name).toBe(reason);
  });

  it('does not charge refused calls, keeps windows of one name apart by length, and answers the reset of the window that refused', () => {
    let t = Date.parse('2026-12-07T10:00:00.250Z');
    const w = new RateWindows(() => t);
    const short: RateWindowDef = { name: 'per-issue', limit: 1, windowMs: 2_000 };
    const long: RateWindowDef = { name: 'per-issue', limit: 5, windowMs: 30_000 };
    const charge = () =>
      w.consume([
        { window: short, key: 'SUP-1' },
        { window: long, key: 'SUP-1' },
      ]);
    expect(charge().allowed).toBe(true);
    const refused = charge();
    expect(refused.allowed).toBe(false);
    expect(refused.resetAtMs).toBe(Date.parse('2026-12-07T10:00:02Z'));
    expect(refused.retryAfterSeconds).toBe(2);
    t += 2_000;
    expect(charge().tightest?.remaining).toBe(0);
  });

  it('lets everything through when disabled', () => {
    const w = new RateWindows(() => 0);
    w.enabled = false;
    for (let i = 0; i < 5; i++) expect(w.consume([{ window: burst, key: 'k' }]).allowed).toBe(true);
  });
});
