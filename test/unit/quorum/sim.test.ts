/**
 * The seeded swarm simulator in CI: 2,000 seeds of 3–5 monitors with drops, duplicates,
 * delays, partitions, crash-restarts and client commands; safety is checked after every step
 * and liveness after healing. Each seed is kept short (50 chaos ticks) to fit CI; run longer
 * ones with `npm run sim -- --seeds N --chaos-ticks T`.
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../../src/lib/quorum/sim/run.js';

const SEEDS = 2000;
const CHUNK = 250;
const CHAOS_TICKS = 50;

describe('quorum simulator', () => {
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    it(`seeds ${start}..${start + CHUNK - 1} stay safe and converge`, () => {
      const failures: string[] = [];
      for (let s = start; s < start + CHUNK; s++) {
        const r = runSeed(s, { chaosTicks: CHAOS_TICKS });
        if (!r.ok) failures.push(`seed ${s}: ${r.error}`);
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }

  it('replays a seed exactly', () => {
    expect(runSeed(4242, { chaosTicks: 120 })).toEqual(runSeed(4242, { chaosTicks: 120 }));
  });
});
