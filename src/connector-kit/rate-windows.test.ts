import { describe, expect, it } from 'vitest';
import { allowedOf, fitWindows, usedIn, windowLabel, windowsWith, type CheckedWindow, type Reservation } from './rate-windows.ts';

const w = (windowMs: number, allowed: number, marginMs = 0): CheckedWindow => ({ windowMs, limit: allowed, allowed, marginMs });
const at = (...times: number[]): Reservation[] => times.map((t) => ({ at: t, credits: 1 }));

describe('allowedOf', () => {
  it.each([
    [100, 0.2, 80],
    [100, 0, 100],
    [5, 0.2, 4],
    [1, 0.9, 1],
    [65_000, 0.2, 52_000],
  ])('limit %i with headroom %d allows %i', (limit, headroom, allowed) => {
    expect(allowedOf(limit, headroom)).toBe(allowed);
  });
});

describe('windowLabel', () => {
  it.each([
    [60_000, 'a minute'],
    [3_600_000, 'per hour'],
    [7_200_000, 'per 2 h'],
    [300_000, 'per 5 min'],
    [2_000, 'per 2 s'],
    [1_500, 'per 1.5 s'],
  ])('%i ms is "%s"', (ms, label) => {
    expect(windowLabel(ms)).toBe(label);
  });
});

describe('windowsWith', () => {
  it.each([
    {
      name: 'sorts shortest first and puts the reported limit on it',
      windows: [
        { windowMs: 3_600_000, limit: 1000 },
        { windowMs: 1_000, limit: 50 },
      ],
      reported: 40,
      want: [
        { windowMs: 1_000, limit: 40 },
        { windowMs: 3_600_000, limit: 1000 },
      ],
    },
    {
      name: 'keeps the model limits when nothing is reported',
      windows: [{ windowMs: 60_000, limit: 100 }],
      reported: null,
      want: [{ windowMs: 60_000, limit: 100 }],
    },
    {
      name: 'drops empty windows',
      windows: [
        { windowMs: 0, limit: 5 },
        { windowMs: 1_000, limit: 0 },
      ],
      reported: 10,
      want: [],
    },
  ])('$name', ({ windows, reported, want }) => {
    expect(windowsWith(windows, reported)).toEqual(want);
  });
});

describe('usedIn', () => {
  it.each([
    { name: 'counts what is inside the window', rows: at(0, 500, 999), window: w(1_000, 10), now: 1_000, used: 2 },
    { name: 'the margin keeps a reservation a little longer', rows: at(0, 500, 999), window: w(1_000, 10, 100), now: 1_000, used: 3 },
    { name: 'nothing reserved', rows: [], window: w(1_000, 10), now: 1_000, used: 0 },
  ])('$name', ({ rows, window, now, used }) => {
    expect(usedIn(rows, window, now)).toBe(used);
  });
});

describe('fitWindows', () => {
  it.each([
    { name: 'fits both windows', rows: at(0, 1, 2), windows: [w(1_000, 4), w(4_000, 8)], credits: 1, now: 3, want: { fits: true } },
    {
      name: 'the short window binds: waits for its oldest to leave',
      rows: at(0, 1, 2, 3),
      windows: [w(1_000, 4), w(4_000, 8)],
      credits: 1,
      now: 4,
      want: { fits: false, until: 1_000, windowMs: 1_000, used: 4 },
    },
    {
      name: 'the long window binds although the short one has room',
      rows: at(0, 1, 2, 3, 1_000, 1_001, 1_002, 1_003),
      windows: [w(1_000, 4), w(4_000, 8)],
      credits: 1,
      now: 2_000,
      want: { fits: false, until: 4_000, windowMs: 4_000, used: 8 },
    },
    {
      name: 'both full: the later of the two moments',
      rows: at(0, 1, 2, 3, 2_500, 2_600, 2_700, 2_800),
      windows: [w(1_000, 4), w(4_000, 8)],
      credits: 1,
      now: 2_900,
      want: { fits: false, until: 4_000, windowMs: 4_000, used: 8 },
    },
    {
      name: 'several credits wait for enough to leave',
      rows: at(0, 1, 2, 3),
      windows: [w(1_000, 4)],
      credits: 3,
      now: 4,
      want: { fits: false, until: 1_002, windowMs: 1_000, used: 4 },
    },
    {
      name: 'the margin delays the moment',
      rows: at(0, 1, 2, 3),
      windows: [w(1_000, 4, 50)],
      credits: 1,
      now: 4,
      want: { fits: false, until: 1_050, windowMs: 1_000, used: 4 },
    },
    {
      name: 'more than a window allows ever: one window from now',
      rows: [],
      windows: [w(1_000, 4)],
      credits: 5,
      now: 10,
      want: { fits: false, until: 1_010, windowMs: 1_000, used: 0 },
    },
  ])('$name', ({ rows, windows, credits, now, want }) => {
    const fit = fitWindows(rows, windows, credits, now);
    if (want.fits) expect(fit).toEqual({ fits: true });
    else expect(fit.fits ? fit : { fits: false, until: fit.until, windowMs: fit.binding.windowMs, used: fit.used }).toEqual(want);
  });
});
