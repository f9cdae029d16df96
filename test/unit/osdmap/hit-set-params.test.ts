/**
 * HitSet::Params as a real Pacific monitor writes it: only the bloom type has its own envelope;
 * explicit_hash and explicit_object write the type byte alone.
 *
 * The fixture (test/fixtures/osdmap-apply/hit-set-types) is epochs 4 → 7 of a real monitor's
 * history: pool p0 made a cache tier, then `ceph osd pool set p0 hit_set_type` explicit_hash
 * (epoch 5), explicit_object (6), bloom (7).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { decodeHitSetParams, encodeHitSetParams, HIT_SET_TYPE } from '../../../src/lib/osdmap/hit-set.js';
import { applyIncremental, decodeIncremental, decodeOSDMap, encodeOSDMap } from '../../../src/lib/osdmap/index.js';
import { FIXTURES_DIR } from '../../helpers/ceph.js';

const CASE = join(FIXTURES_DIR, 'osdmap-apply', 'hit-set-types');
const read = (f: string) => new Uint8Array(readFileSync(join(CASE, f)));

describe('HitSet::Params', () => {
  it('explicit types are the outer envelope and the type byte; bloom adds its own envelope', () => {
    for (const type of [HIT_SET_TYPE.NONE, HIT_SET_TYPE.EXPLICIT_HASH, HIT_SET_TYPE.EXPLICIT_OBJECT]) {
      const w = new Writer(16);
      encodeHitSetParams(w, { type });
      expect([...w.bytes()]).toEqual([1, 1, 1, 0, 0, 0, type]);
      expect(decodeHitSetParams(new Reader(w.bytes()))).toEqual({ type });
    }
    const w = new Writer(64);
    const bloom = { type: HIT_SET_TYPE.BLOOM, bloom: { fppMicro: 50_000, targetSize: 0n, seed: 0n } };
    encodeHitSetParams(w, bloom);
    expect(w.bytes().length).toBe(6 + 1 + 6 + 20);
    expect(decodeHitSetParams(new Reader(w.bytes()))).toEqual(bloom);
  });

  it('a real history through explicit_hash, explicit_object and bloom decodes, re-encodes and replays byte for byte', () => {
    let map = decodeOSDMap(read('full_4.bin'));
    for (const [e, type] of [
      [5, 'explicit_hash'],
      [6, 'explicit_object'],
      [7, 'bloom'],
    ] as const) {
      const stored = read(`full_${e}.bin`);
      const decoded = decodeOSDMap(stored);
      expect(Buffer.from(encodeOSDMap(decoded)).equals(stored), `full_${e} round trip`).toBe(true);
      const p0 = [...decoded.pools.values()].find((_, i) => [...decoded.poolName.values()][i] === 'p0')!;
      expect(p0.hitSetParams.type).toBe(HIT_SET_TYPE[type.toUpperCase() as keyof typeof HIT_SET_TYPE]);
      const inc = decodeIncremental(read(`inc_${e}.bin`));
      map = applyIncremental(map, inc);
      expect(Buffer.from(encodeOSDMap(map, inc.encodeFeatures)).equals(stored), `epoch ${e} replayed`).toBe(true);
    }
  });
});
