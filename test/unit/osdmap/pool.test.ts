import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { FEATURE, FEATURES_ALL } from '../../../src/lib/msg/features.js';
import { dumpPgPool, formatSnapIntervals, poolFlagsString } from '../../../src/lib/osdmap/pool-dump.js';
import { decodePoolOpts, dumpPoolOpts, encodePoolOpts } from '../../../src/lib/osdmap/pool-opts.js';
import { decodePgPool, defaultPool, encodePgPool, pgPoolVersionFor, type PgPool } from '../../../src/lib/osdmap/pool.js';

function samplePool(): PgPool {
  const p = defaultPool();
  Object.assign(p, { type: 1, size: 3, minSize: 2, crushRule: 0, objectHash: 2, pgNum: 32, pgpNum: 32 });
  Object.assign(p, { pgNumTarget: 32, pgpNumTarget: 32, pgNumPending: 32, lastChange: 41, flags: 1n | (1n << 13n) });
  p.snapSeq = 3n;
  p.removedSnaps = [{ start: 1n, len: 2n }, { start: 0x10n, len: 1n }];
  p.snaps.set(2n, { snapid: 2n, stamp: { sec: 1700000000, nsec: 5000 }, name: 'snap' });
  p.properties.set('b', '2');
  p.properties.set('a', '1');
  p.hitSetParams = { type: 3, bloom: { fppMicro: 50000, targetSize: 1000n, seed: 7n } };
  p.hitSetCount = 2;
  p.hitSetGradeDecayRate = 20;
  p.opts = { opts: [{ key: 18, opt: { type: 2, value: 4 } }, { key: 6, opt: { type: 0, value: 'aggressive' } }, { key: 15, opt: { type: 1, value: 8n } }] };
  p.applicationMetadata.set('rbd', new Map([['k', 'v']]));
  p.createTime = { sec: 1618225942, nsec: 194473000 };
  return p;
}

const encode = (p: PgPool, features?: bigint): Uint8Array => {
  const w = new Writer();
  encodePgPool(w, p, features);
  return w.bytes();
};

describe('pg_pool_t', () => {
  it('writes v29 compat 5 for Pacific features and round-trips', () => {
    const b = encode(samplePool(), FEATURES_ALL);
    expect([b[0], b[1]]).toEqual([29, 5]);
    const r = new Reader(b);
    const back = decodePgPool(r);
    r.end('pg_pool_t');
    expect(Buffer.from(encode(back)).equals(Buffer.from(b))).toBe(true);
    expect(dumpPgPool(back)).toEqual(dumpPgPool(samplePool()));
  });

  it('writes v30 for a stretch pool', () => {
    const p = samplePool();
    p.peeringCrush = { bucketCount: 2, bucketTarget: 3, bucketBarrier: 1, mandatoryMember: -5 };
    const b = encode(p, FEATURES_ALL);
    expect(b[0]).toBe(30);
    expect(decodePgPool(new Reader(b)).peeringCrush).toEqual(p.peeringCrush);
  });

  it('writes Tentacle’s v32 with SERVER_TENTACLE: the stretch tuple only for a stretch pool, nonprimary_shards as two varints', () => {
    const tentacle = FEATURES_ALL | FEATURE.SERVER_TENTACLE;
    const p = samplePool();
    p.nonprimaryShards = [1, 3, 64, 127];
    expect(pgPoolVersionFor(p, tentacle)).toBe(32);
    const b = encode(p, tentacle);
    expect([b[0], b[1]]).toEqual([32, 5]);
    // absent tuple, then words 0b1010 and bit 0 | bit 63 as denc varints
    expect(Buffer.from(b.subarray(-12)).toString('hex')).toBe('000a81808080808080808001');
    const back = decodePgPool(new Reader(b));
    expect([back.structV, back.peeringCrushPresent, back.nonprimaryShards, back.tail]).toEqual([32, false, [1, 3, 64, 127], undefined]);
    expect(Buffer.from(encode(back)).equals(Buffer.from(b))).toBe(true);
    // Without SERVER_TENTACLE the same pool is v29 (and nonprimary_shards is not written).
    expect(encode(back, FEATURES_ALL)[0]).toBe(29);
    const stretch = { ...back, peeringCrush: { bucketCount: 2, bucketTarget: 2, bucketBarrier: 8, mandatoryMember: -3 } };
    const s32 = decodePgPool(new Reader(encode(stretch, tentacle)));
    expect([s32.peeringCrushPresent, s32.peeringCrush]).toEqual([true, stretch.peeringCrush]);
  });

  it('keeps a nonprimary_shards encoding whose varints are not the shortest', () => {
    const b = encode(samplePool(), FEATURES_ALL | FEATURE.SERVER_TENTACLE);
    // Rewrite the last word (00) as 80 00 and grow the envelope length by one.
    const longer = new Uint8Array([...b.subarray(0, -1), 0x80, 0x00]);
    new DataView(longer.buffer).setUint32(2, new DataView(b.buffer, b.byteOffset).getUint32(2, true) + 1, true);
    const back = decodePgPool(new Reader(longer));
    expect(back.nonprimaryShards).toEqual([]);
    expect(Buffer.from(encode(back)).equals(Buffer.from(longer))).toBe(true);
    expect(Buffer.from(encode(back, FEATURES_ALL | FEATURE.SERVER_TENTACLE)).equals(Buffer.from(b))).toBe(true);
  });

  it.each([
    [1n << 2n, 27], // SERVER_NAUTILUS's own bit (its mask also holds the incarnation bits)
    [1n << 28n, 26], // SERVER_MIMIC
    [1n << 21n, 24], // SERVER_LUMINOUS
    [FEATURE.NEW_OSDOP_ENCODING, 21],
    [FEATURE.OSD_POOLRESEND, 14],
    [FEATURE.OSDENC, 4],
    [FEATURE.PGPOOL3, 2],
  ])('without feature mask %s writes v%i that decodes back', (missing, v) => {
    const p = samplePool();
    const features = FEATURES_ALL & ~missing;
    expect(pgPoolVersionFor(p, features)).toBe(v);
    const b = encode(p, features);
    expect(b[0]).toBe(v);
    const r = new Reader(b);
    const back = decodePgPool(r);
    r.end('pg_pool_t');
    expect(back.structV).toBe(v);
    expect(back.snaps).toEqual(p.snaps.size > 0 ? new Map([[2n, expect.objectContaining({ name: 'snap' })]]) : new Map());
    expect(back.removedSnaps).toEqual(p.removedSnaps);
    expect(Buffer.from(encode(back)).equals(Buffer.from(b))).toBe(true);
    if (v < 27) expect(back.flags & (1n << 13n)).toBe(0n); // pre-Mimic encoders drop snap-mode flags
  });

  it('dumps Ceph field names and values', () => {
    const d = dumpPgPool(samplePool(), { id: 1, name: 'rbd' });
    expect(Object.keys(d).slice(0, 4)).toEqual(['pool', 'pool_name', 'create_time', 'flags']);
    expect(d).toMatchObject({
      create_time: '2021-04-12T11:12:22.194473+0000',
      flags_names: 'hashpspool,selfmanaged_snaps',
      snap_mode: 'selfmanaged',
      removed_snaps: '[1~2,10~1]',
      last_change: '41',
      pg_placement_num: 32,
      hit_set_params: { type: 'bloom', false_positive_probability: 0.05, target_size: 1000n, seed: 7n },
      grade_table: [800000, 640000],
      pg_autoscale_mode: 'warn',
      application_metadata: { rbd: { k: 'v' } },
    });
    expect(Object.keys(d.options as object)).toEqual(['compression_mode', 'pg_autoscale_bias', 'pg_num_min']);
  });

  it('names unknown flag bits ??? as Ceph does and formats snap intervals in hex', () => {
    expect(poolFlagsString((1n << 17n) | (1n << 40n) | 1n)).toBe('hashpspool,bulk,???');
    expect(poolFlagsString((1n << 18n) | (1n << 19n))).toBe('crimson,ec_optimizations');
    expect(formatSnapIntervals([])).toBe('[]');
  });

  it('pool_opts v1 stores INT as 32 bits', () => {
    const o = { opts: [{ key: 3, opt: { type: 1 as const, value: -5n } }] };
    const w = new Writer();
    encodePoolOpts(w, o, FEATURES_ALL & ~FEATURE.SERVER_NAUTILUS);
    const b = w.bytes();
    expect(b.length).toBe(6 + 4 + 4 + 4 + 4);
    const back = decodePoolOpts(new Reader(b));
    expect(dumpPoolOpts(back)).toEqual({ recovery_priority: -5n });
  });

  it('throws MonctlError with an offset when truncated at every offset', () => {
    const b = encode(samplePool(), FEATURES_ALL);
    for (let n = 0; n < b.length; n++) {
      let err: unknown;
      try {
        decodePgPool(new Reader(b.subarray(0, n)));
      } catch (e) {
        err = e;
      }
      expect(err, `length ${n}`).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).offset).toBeTypeOf('number');
    }
  });
});
