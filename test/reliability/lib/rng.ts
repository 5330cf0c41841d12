/** Small seeded PRNG (mulberry32) with the helpers the reliability tests use. Same seed, same choices. */
export interface Rng {
  /** 0 ≤ x < 1 */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A new generator derived from this one (for independent streams). */
  fork(): Rng;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const self: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    fork: () => rng(Math.floor(next() * 2 ** 32)),
  };
  return self;
}

/** Seed of trial `i` of a suite whose base seed is `base`: printed with every failure, replayable alone. */
export const trialSeed = (base: number, i: number) => (base + i * 7919) >>> 0;

export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number (got ${JSON.stringify(v)})`);
  return Math.floor(n);
}
