/**
 * A small seeded PRNG (mulberry32). Everything random in monctl — test generators, the
 * benchmark's data, later the quorum simulator — takes one of these, never Math.random, so
 * a seed replays a run exactly.
 */
export interface Prng {
  /** Uniform in [0, 2^32). */
  u32(): number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function mulberry32(seed: number): Prng {
  let a = seed >>> 0;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => u32() / 4294967296;
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    u32,
    next,
    int,
    pick: <T>(xs: readonly T[]): T => {
      if (xs.length === 0) throw new RangeError('pick from an empty list');
      return xs[int(0, xs.length - 1)]!;
    },
    chance: (p: number): boolean => next() < p,
  };
}
