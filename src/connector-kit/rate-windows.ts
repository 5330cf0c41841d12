/**
 * The arithmetic of a budget with several windows (per second, per minute, per hour...): a reservation
 * counts in every window, and a request may go only when each window's sum stays within its allowance.
 * Pure, so the database-backed budget and its tests share one definition of "fits".
 */
export interface BudgetWindow {
  windowMs: number;
  limit: number;
}

export interface CheckedWindow extends BudgetWindow {
  /** Credits all workers together may use within the window: the limit less the headroom. */
  allowed: number;
  /** How much longer than the window a reservation counts (request latency). */
  marginMs: number;
}

export interface Reservation {
  /** Milliseconds since the epoch. */
  at: number;
  credits: number;
}

export type WindowFit = { fits: true } | { fits: false; until: number; binding: CheckedWindow; used: number };

/** Credits that may be used of `limit` leaving `headroom` (0–0.9) for others; at least one. */
export function allowedOf(limit: number, headroom: number): number {
  return Math.max(1, Math.floor(limit * (1 - headroom) + 1e-9));
}

/** "a minute", "per hour", "per 2 s": how a wait's reason names a window. */
export function windowLabel(windowMs: number): string {
  if (windowMs === 60_000) return 'a minute';
  if (windowMs === 3_600_000) return 'per hour';
  if (windowMs % 3_600_000 === 0) return `per ${windowMs / 3_600_000} h`;
  if (windowMs % 60_000 === 0) return `per ${windowMs / 60_000} min`;
  return `per ${Math.round(windowMs / 100) / 10} s`;
}

/**
 * The windows to check, shortest first: the model's, with the shortest one's limit replaced by
 * `shortestLimit` (the limit the platform reports in its headers describes its shortest window).
 */
export function windowsWith(windows: readonly BudgetWindow[], shortestLimit: number | null): BudgetWindow[] {
  const sorted = [...windows].filter((w) => w.windowMs > 0 && w.limit > 0).sort((a, b) => a.windowMs - b.windowMs);
  if (sorted.length > 0 && shortestLimit !== null) sorted[0] = { ...sorted[0]!, limit: shortestLimit };
  return sorted;
}

/** Credits within the window ending at `now` (margin included). */
export function usedIn(reservations: readonly Reservation[], window: CheckedWindow, now: number): number {
  const since = now - window.windowMs - window.marginMs;
  let used = 0;
  for (const r of reservations) if (r.at > since) used += r.credits;
  return used;
}

/**
 * Whether `credits` more fit every window now, else the earliest moment they all do and the window that
 * holds them longest. Reservations only ever leave windows as time passes, so the earliest moment all
 * fit is the latest of each window's own earliest moment. `reservations` must be sorted by `at`.
 */
export function fitWindows(reservations: readonly Reservation[], windows: readonly CheckedWindow[], credits: number, now: number): WindowFit {
  let worst: WindowFit = { fits: true };
  for (const w of windows) {
    const since = now - w.windowMs - w.marginMs;
    const inside = reservations.filter((r) => r.at > since);
    const used = inside.reduce((sum, r) => sum + r.credits, 0);
    if (used + credits <= w.allowed) continue;
    let until = now + w.windowMs;
    let left = used;
    for (const r of inside) {
      left -= r.credits;
      if (left + credits <= w.allowed) {
        until = r.at + w.windowMs + w.marginMs;
        break;
      }
    }
    if (worst.fits || until > worst.until) worst = { fits: false, until, binding: w, used };
  }
  return worst;
}
