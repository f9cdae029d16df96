/**
 * Placement (Ceph src/osd/OSDMap.cc): pool arithmetic, the object hashes, and the PG pipeline on the
 * committed fixture's osdmap epoch 31 (6 OSDs on 3 hosts, pools rbd (replicated, 32 PGs) and
 * ecpool (k=2 m=1, 16 PGs), pg_upmap_items 1.0 [0,1], osd.3 and osd.5 out, osd.4 with primary
 * affinity 0.5, every OSD down). Expected sets marked "osdmaptool" were printed by
 * `osdmaptool F --mark-up-in --test-map-pg …` (16.2.15); the others follow from them by the rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOSDMap, encodeOSDMap, type OSDMap } from '../../../src/lib/osdmap/index.js';
import { pgMapSet } from '../../../src/lib/osdmap/osdmap-codec.js';
import { CEPH_OSD_IN, OSD_STATE } from '../../../src/lib/osdmap/osdmap-types.js';
import {
  CRUSH_ITEM_NONE as NONE,
  crushContextFor,
  findRule,
  hashObjectKey,
  objectToPg,
  pgMask,
  pgToUpActing,
  rawPgToPg,
  rawPgToPps,
  stableMod,
  strHashLinux,
  strHashRjenkins,
} from '../../../src/lib/osdmap/placement.js';
import { formatPgsDump, pgsDump } from '../../../src/lib/osdmap/pg-stats.js';
import { POOL_FLAG } from '../../../src/lib/osdmap/pool.js';
import { hash32_2 } from '../../../src/lib/crush/hash.js';
import { readFullMap } from '../../../src/lib/mon/osd/store.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('pool arithmetic', () => {
  it('pg masks and ceph_stable_mod', () => {
    expect([1, 2, 16, 24, 32, 33].map(pgMask)).toEqual([0, 1, 15, 31, 31, 63]);
    // pg_num 24: seeds 24..31 fold onto 8..15.
    expect(stableMod(23, 24, 31)).toBe(23);
    expect(stableMod(0x1f, 24, 31)).toBe(15);
    expect(stableMod(0x7fc1f406, 32, 31)).toBe(6);
    expect(stableMod(0xffffffff, 24, 31)).toBe(15);
  });
});

describe('object hashes', () => {
  it('ceph_str_hash_rjenkins vectors', () => {
    expect(strHashRjenkins(bytes(''))).toBe(0xbd49d10d);
    expect(strHashRjenkins(bytes('a'))).toBe(0x29eec818);
    expect(strHashRjenkins(bytes('foo'))).toBe(0x7fc1f406);
    expect(strHashRjenkins(bytes('hello world!'))).toBe(0x1eccb293);
    expect(strHashRjenkins(bytes('rbd_data.1234'))).toBe(0x624f9e4c);
    expect(strHashRjenkins(bytes('nsx\x1ffoo'))).toBe(0xb652c256);
  });

  it('ceph_str_hash_linux: (h + (c << 4) + (c >> 4)) * 11 per byte, mod 2^32', () => {
    expect(strHashLinux(bytes(''))).toBe(0);
    expect(strHashLinux(bytes('a'))).toBe((97 * 16 + 6) * 11);
    let h = 0;
    for (const c of bytes('rbd_data.1234567890abcdef')) h = Number((BigInt(h + c * 16 + (c >> 4)) * 11n) % 2n ** 32n);
    expect(strHashLinux(bytes('rbd_data.1234567890abcdef'))).toBe(h);
  });
});

describe('placement on the fixture osdmap epoch 31', () => {
  let stored: Uint8Array = new Uint8Array();
  beforeAll(async () => {
    const mon = extractFixture('rocksdb');
    const { map } = await MonStore.with(mon, {}, (s) => readFullMap(s, '31'));
    stored = encodeOSDMap(map);
  });
  afterAll(() => removeTempDirs());

  /** A fresh copy, optionally with `osdmaptool --mark-up-in` applied. */
  const load = (upIn = false): OSDMap => {
    const m = decodeOSDMap(stored);
    if (upIn) {
      for (let i = 0; i < m.maxOsd; i++) {
        m.osdState[i] = (m.osdState[i] ?? 0) | OSD_STATE.UP | OSD_STATE.EXISTS;
        m.osdWeight[i] = CEPH_OSD_IN;
      }
    }
    return m;
  };
  const pg = (pool: number, seed: number) => ({ pool, seed });

  it('every OSD down: replicated sets are empty, erasure sets keep their holes', () => {
    const m = load();
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ up: [], upPrimary: -1, acting: [], actingPrimary: -1 });
    const ec = pgToUpActing(m, pg(2, 5));
    expect(ec.up).toEqual([NONE, NONE, NONE]);
    expect(ec.actingPrimary).toBe(-1);
  });

  it('osdmaptool --mark-up-in examples: upmap item, primary affinity, erasure order', () => {
    const m = load(true);
    // osdmaptool: 1.0 raw ([3,0,5], p3) up ([3,1,5], p3) — pg_upmap_items 1.0 [0,1].
    expect(pgToUpActing(m, pg(1, 0))).toEqual({ raw: [3, 0, 5], rawPrimary: 3, up: [3, 1, 5], upPrimary: 3, acting: [3, 1, 5], actingPrimary: 3 });
    // osdmaptool: 1.c raw ([4,2,1], p4) up ([2,4,1], p2) — osd.4 (affinity 0.5) loses the primary.
    expect(pgToUpActing(m, pg(1, 0xc))).toMatchObject({ raw: [4, 2, 1], up: [2, 4, 1], upPrimary: 2, acting: [2, 4, 1], actingPrimary: 2 });
    // osdmaptool: 2.5 raw ([4,3,2], p4) up ([4,3,2], p3) — erasure: primary moves, order stays.
    expect(pgToUpActing(m, pg(2, 5))).toMatchObject({ raw: [4, 3, 2], up: [4, 3, 2], upPrimary: 3, actingPrimary: 3 });
    // osdmaptool: 1.1f raw ([5,2,1], p5).
    expect(pgToUpActing(m, pg(1, 0x1f)).up).toEqual([5, 2, 1]);
  });

  it('an unfolded seed maps like its folded pg (upmaps are keyed by the folded pg)', () => {
    const m = load(true);
    expect(pgToUpActing(m, pg(1, 0x20))).toEqual(pgToUpActing(m, pg(1, 0)));
    expect(pgToUpActing(m, pg(1, 0x7fc1f406))).toEqual(pgToUpActing(m, pg(1, 6)));
  });

  it('pg_upmap replaces the set and pg_upmap_items apply on top', () => {
    const m = load(true);
    pgMapSet(m.pgUpmap, pg(1, 0x1f), [0, 1, 2]);
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ raw: [5, 2, 1], up: [0, 1, 2], upPrimary: 0 });
    pgMapSet(m.pgUpmapItems, pg(1, 0x1f), [[1, 3]]);
    expect(pgToUpActing(m, pg(1, 0x1f)).up).toEqual([0, 3, 2]);
  });

  it('a pg_upmap naming an out OSD is ignored, and so are that PG\'s items', () => {
    const m = load(true);
    m.osdWeight[0] = 0; // out, still up
    const before = pgToUpActing(m, pg(1, 0x1f)).up;
    pgMapSet(m.pgUpmap, pg(1, 0x1f), [0, 1, 2]);
    pgMapSet(m.pgUpmapItems, pg(1, 0x1f), [[before[0]!, 3]]);
    expect(pgToUpActing(m, pg(1, 0x1f)).up).toEqual(before);
  });

  it('pg_upmap_items: out targets and targets already present are skipped, first match only', () => {
    const m = load(true);
    m.osdWeight[3] = 0;
    const base = pgToUpActing(m, pg(1, 0x1f)).up; // [5,2,1] unless osd.3 mattered
    expect(base).toEqual([5, 2, 1]);
    pgMapSet(m.pgUpmapItems, pg(1, 0x1f), [[5, 3]]);
    expect(pgToUpActing(m, pg(1, 0x1f)).up).toEqual([5, 2, 1]);
    pgMapSet(m.pgUpmapItems, pg(1, 0x1f), [[5, 2]]);
    expect(pgToUpActing(m, pg(1, 0x1f)).up).toEqual([5, 2, 1]);
    pgMapSet(m.pgUpmapItems, pg(1, 0x1f), [[5, 0], [2, 0], [1, 4]]);
    expect(pgToUpActing(m, pg(1, 0x1f)).up).toEqual([0, 2, 4]);
  });

  it('pg_temp (filtered by up) and primary_temp decide the acting set', () => {
    const m = load(true);
    m.osdState[3] = OSD_STATE.EXISTS; // down
    pgMapSet(m.pgTemp, pg(1, 0x1f), [3, 0, 99, 1]);
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ up: [5, 2, 1], upPrimary: 5, acting: [0, 1], actingPrimary: 0 });
    pgMapSet(m.primaryTemp, pg(1, 0x1f), 4);
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ acting: [0, 1], actingPrimary: 4 });
    // primary_temp alone: acting = up, primary from primary_temp.
    pgMapSet(m.primaryTemp, pg(1, 0x1e), 0);
    const p = pgToUpActing(m, pg(1, 0x1e));
    expect(p.acting).toEqual(p.up);
    expect(p.actingPrimary).toBe(0);
    // Erasure pg_temp keeps positions.
    pgMapSet(m.pgTemp, pg(2, 5), [3, 0, 1]);
    expect(pgToUpActing(m, pg(2, 5))).toMatchObject({ acting: [NONE, 0, 1], actingPrimary: 0 });
  });

  it('down and non-existent OSDs: replicated compacts, erasure leaves NONE', () => {
    const m = load(true);
    m.osdState[3] = OSD_STATE.EXISTS; // down
    expect(pgToUpActing(m, pg(2, 5))).toMatchObject({ raw: [4, 3, 2], up: [4, NONE, 2] });
    m.osdState[3] = 0; // does not exist: CRUSH can still pick it (weight kept), then it is removed
    expect(pgToUpActing(m, pg(2, 5)).raw).toEqual([4, NONE, 2]);
    m.osdState[4] = 0;
    expect(pgToUpActing(m, pg(1, 0xc))).toMatchObject({ raw: [2, 1], up: [2, 1], upPrimary: 2 });
  });

  it('primary affinity 0 on every member falls back to the first', () => {
    const m = load(true);
    m.osdPrimaryAffinity = new Array<number>(m.maxOsd).fill(0);
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ up: [5, 2, 1], upPrimary: 5 });
    // Full affinity everywhere but osd.5: osd.2 becomes primary and moves first.
    m.osdPrimaryAffinity = new Array<number>(m.maxOsd).fill(CEPH_OSD_IN);
    m.osdPrimaryAffinity[5] = 0;
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ up: [2, 5, 1], upPrimary: 2 });
  });

  it("Pacific's rule lookup: ruleset, type and the size range", () => {
    const m = load(true);
    const pool = m.pools.get(1)!;
    expect(findRule(m.crush, pool.crushRule, pool.type, pool.size)).toBe(pool.crushRule);
    expect(findRule(m.crush, pool.crushRule, 3, pool.size)).toBe(-1);
    m.crush.rules[pool.crushRule]!.maxSize = pool.size - 1;
    expect(pgToUpActing(m, pg(1, 0x1f))).toMatchObject({ raw: [], up: [], acting: [], actingPrimary: -1 });
  });

  it('pps with and without HASHPSPOOL (pgp_num folds, pg_num does not)', () => {
    const m = load();
    const pool = { ...m.pools.get(1)!, pgpNum: 16 };
    expect(rawPgToPps(pool, pg(1, 0x1f))).toBe(hash32_2(0xf, 1));
    pool.flags &= ~POOL_FLAG.HASHPSPOOL;
    expect(rawPgToPps(pool, pg(1, 0x1f))).toBe(0xf + 1);
    expect(rawPgToPg(pool, pg(1, 0x3f))).toEqual(pg(1, 0x1f));
  });

  it('a missing pool maps to nothing', () => {
    expect(pgToUpActing(load(), pg(9, 0))).toEqual({ raw: [], rawPrimary: -1, up: [], upPrimary: -1, acting: [], actingPrimary: -1 });
    expect(objectToPg(load(), 9, 'foo')).toBeNull();
  });

  it('objects: name (and namespace) → raw pg → folded pg', () => {
    const m = load();
    expect(objectToPg(m, 1, 'foo')).toEqual({ rawPgid: pg(1, 0x7fc1f406), pgid: pg(1, 6) });
    expect(hashObjectKey(m.pools.get(1)!, 'foo', 'nsx')).toBe(0xb652c256);
    expect(objectToPg(m, 1, 'foo', 'nsx')!.pgid).toEqual(pg(1, 0x16));
  });

  it('one CRUSH context per CRUSH map and choose_args choice, reused', () => {
    const m = load();
    expect(crushContextFor(m.crush, 1)).toBe(crushContextFor(m.crush, 2));
    expect(crushContextFor(load().crush, 1)).not.toBe(crushContextFor(m.crush, 1));
  });

  it('the --test-map-pgs-dump statistics (osdmaptool, every OSD down)', () => {
    const text = formatPgsDump(pgsDump(load()));
    expect(text.split('\n').slice(-10).join('\n')).toBe(
      [
        '#osd\tcount\tfirst\tprimary\tc wt\twt',
        'osd.0\t0\t0\t0\t1\t1',
        'osd.1\t0\t0\t0\t1\t1',
        'osd.2\t0\t0\t0\t0.799988\t1',
        'osd.4\t0\t0\t0\t1\t1',
        ' in 4',
        ' avg 0 stddev 0 (-nanx) (expected 0 -nanx))',
        'size 0\t32',
        'size 3\t16\n',
      ].join('\n'),
    );
  });
});
