/**
 * dumpIncremental (`osdmap inc show --json`) is OSDMap::Incremental::dump: Ceph's field names,
 * order and nesting, checked on every incremental of the committed LevelDB fixture (epochs
 * 1..31 written by a real Pacific ceph-mon).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCrushMap, dumpCrushMap } from '../../../src/lib/crush/index.js';
import { decodeIncremental, decodeOSDMap, dumpIncremental, dumpOSDMap, type Incremental } from '../../../src/lib/osdmap/index.js';
import { toJson } from '../../../src/lib/render/json.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';

/** The keys Incremental::dump writes, in order (optional ones only when present). */
const KEYS = [
  'epoch', 'fsid', 'modified', 'new_last_up_change', 'new_last_in_change', 'new_pool_max', 'new_flags',
  'new_full_ratio', 'new_nearfull_ratio', 'new_backfillfull_ratio', 'new_require_min_compat_client',
  'new_require_osd_release', 'full_map', 'crush', 'new_max_osd', 'new_pools', 'new_pool_names', 'old_pools',
  'new_up_osds', 'new_weight', 'osd_state_xor', 'new_pg_temp', 'primary_temp', 'new_pg_upmap', 'old_pg_upmap',
  'new_pg_upmap_items', 'old_pg_upmap_items', 'new_up_thru', 'new_lost', 'new_last_clean_interval',
  'new_blocklist', 'old_blocklist', 'new_range_blocklist', 'old_range_blocklist', 'new_xinfo',
  'cluster_snapshot', 'new_uuid', 'erasure_code_profiles', 'old_erasure_code_profiles', 'new_removed_snaps',
  'new_purged_snaps',
];
const OPTIONAL = new Set(['full_map', 'crush', 'cluster_snapshot']);

describe('OSDMap::Incremental::dump on the fixture incrementals', () => {
  const incs = new Map<number, Incremental>();
  const dumps = new Map<number, Record<string, unknown>>();
  beforeAll(async () => {
    await MonStore.with(extractFixture('leveldb'), {}, async (s) => {
      for (let e = 1; e <= 31; e++) {
        const inc = decodeIncremental(await s.require('osdmap', String(e)));
        incs.set(e, inc);
        dumps.set(e, dumpIncremental(inc));
      }
    });
  });
  afterAll(() => removeTempDirs());

  it('every epoch has Ceph keys in Ceph order; full_map and crush only when carried', () => {
    for (const [e, d] of dumps) {
      const inc = incs.get(e)!;
      const expected = KEYS.filter((k) => !OPTIONAL.has(k) || (k === 'full_map' ? inc.fullmap.length > 0 : k === 'crush' ? inc.crush.length > 0 : false));
      expect(Object.keys(d), `epoch ${e}`).toEqual(expected);
      expect(d.epoch).toBe(e);
    }
    expect(Object.keys(dumps.get(1)!)).toContain('full_map');
    expect(Object.keys(dumps.get(8)!)).toContain('crush');
  });

  it('epoch 1 carries the first full map, dumped as OSDMap::dump', () => {
    const inc = incs.get(1)!;
    expect(dumps.get(1)!.full_map).toEqual(dumpOSDMap(decodeOSDMap(inc.fullmap)));
    expect(dumps.get(1)).toMatchObject({ new_full_ratio: inc.newFullRatio, new_max_osd: -1, new_pool_max: -1n, new_flags: -1 });
  });

  it('epoch 2 creates osd.0: new_max_osd, new_weight and the state XOR as names', () => {
    expect(dumps.get(2)).toMatchObject({
      new_max_osd: 1,
      new_weight: [{ osd: 0, weight: 65536 }],
      osd_state_xor: [{ osd: 0, state_xor: ['new'] }],
      new_require_min_compat_client: 255,
      new_require_osd_release: 255,
      new_up_osds: [],
      primary_temp: [],
    });
  });

  it('a replaced CRUSH map is dumped as crushtool --dump', () => {
    expect(dumps.get(8)!.crush).toEqual(dumpCrushMap(decodeCrushMap(incs.get(8)!.crush)));
  });

  it('pools: new_pools carries the id then pg_pool_t::dump; names and pool_max separately', () => {
    const d = dumps.get(20)!;
    expect(d.new_pool_max).toBe(1n);
    expect(d.new_pool_names).toEqual([{ pool: 1, name: 'rbd' }]);
    const pools = d.new_pools as Record<string, unknown>[];
    expect(Object.keys(pools[0]!).slice(0, 3)).toEqual(['pool', 'create_time', 'flags']);
    expect(pools[0]).toMatchObject({ pool: 1, pg_num: 32, size: 3, last_change: '20' });
    expect(pools[0]).not.toHaveProperty('pool_name');
    expect(dumps.get(22)!.erasure_code_profiles).toMatchObject({ ec21: { k: '2', m: '1', plugin: 'jerasure' } });
  });

  it('pg_upmap_items and out OSDs', () => {
    expect(dumps.get(26)!.new_pg_upmap_items).toEqual([{ pgid: '1.0', mappings: [{ from: 0, to: 1 }] }]);
    expect(dumps.get(27)!.new_weight).toEqual([{ osd: 3, weight: 0 }]);
    expect(dumps.get(31)!.new_flags).toBe(incs.get(31)!.newFlags);
  });

  it("new_purged_snaps holds the flag arrays and the stretch mode object (Ceph's unclosed section)", () => {
    const purged = dumps.get(31)!.new_purged_snaps as unknown[];
    expect(purged).toEqual([
      [],
      [],
      {
        change_stretch_mode: false,
        stretch_mode_enabled: false,
        new_stretch_bucket_count: 0,
        new_degraded_stretch_mode: 0,
        new_recovering_stretch_mode: 0,
        new_stretch_mode_bucket: 0,
      },
    ]);
  });

  it('JSON text prints the s64 new_pool_max as a number', () => {
    expect(toJson(dumps.get(2)!, 0)).toContain('"new_pool_max":-1,"new_flags":-1,');
  });
});
