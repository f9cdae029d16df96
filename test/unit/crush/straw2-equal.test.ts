/**
 * The straw2 shortcut for buckets whose items all weigh the same (only a new largest ln is
 * divided) must choose exactly what the general chooser chooses: both are run on the same
 * buckets for many seeded inputs, including sizes 1–40, the 0x10000 and odd weights, and
 * ids that hash to equal low 16 bits often enough to make truncation ties.
 */
import { describe, expect, it } from 'vitest';
import { bucketChoose, runtimeBucket } from '../../../src/lib/crush/buckets.js';
import { BUCKET_STRAW2, type CrushBucket } from '../../../src/lib/crush/types.js';
import { mulberry32 } from '../../../src/lib/random.js';

function straw2(id: number, items: number[], w: number): CrushBucket {
  return {
    id, type: 1, alg: BUCKET_STRAW2, hash: 0, weight: w * items.length, items,
    itemWeight: 0, itemWeights: items.map(() => w), sumWeights: [], nodeWeights: [], straws: [],
  } as unknown as CrushBucket;
}

describe('straw2 with equal weights', () => {
  it('chooses what the general chooser chooses', () => {
    const rng = mulberry32(20261130);
    const rnd = (): number => rng.next();
    const perm = new Int32Array(64);
    let checked = 0;
    for (let t = 0; t < 200; t++) {
      const size = 1 + Math.floor(rnd() * 40);
      const items = Array.from({ length: size }, (_, k) => k + Math.floor(rnd() * 1000) * 64);
      // Large weights make many truncated draws equal (ties must keep the first index).
      const w = [0x10000, 1, 3, 0x7fffffff, 0x123456, 0xffffffff][t % 6]!;
      const fast = runtimeBucket(straw2(-1 - t, items, w), undefined);
      expect(fast.equalWeights).toBe(true);
      const slow = { ...fast, equalWeights: false };
      for (let k = 0; k < 300; k++) {
        const x = Math.floor(rnd() * 0x100000000);
        const r = Math.floor(rnd() * 8);
        expect(bucketChoose(fast, x, r, 0, perm)).toBe(bucketChoose(slow, x, r, 0, perm));
        checked++;
      }
    }
    expect(checked).toBe(60_000);
  });

  it('is not taken when one weight differs or is zero', () => {
    expect(runtimeBucket(straw2(-1, [0, 1, 2], 0x10000), undefined).equalWeights).toBe(true);
    const b = straw2(-1, [0, 1, 2], 0x10000);
    (b as { itemWeights: number[] }).itemWeights[1] = 0x8000;
    expect(runtimeBucket(b, undefined).equalWeights).toBe(false);
    expect(runtimeBucket(straw2(-1, [0, 1], 0), undefined).equalWeights).toBe(false);
  });
});
