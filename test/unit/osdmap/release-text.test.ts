/**
 * osdmap print/dump per release on variations of the fixture maps, with what each release's
 * osdmaptool printed for them (recorded from Pacific 16.2.15, Reef 18.2.7 and Tentacle 20.2.4;
 * the conformance runs osdmap-releases-*.test.ts compare with the tools themselves):
 * release names, map and pool flag names, pool options, Pacific's view without
 * pg_upmap_primaries, Tentacle's size-aware read balance score and its quirks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpOSDMap } from '../../../src/lib/osdmap/dump.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/osdmap.js';
import type { OSDMap } from '../../../src/lib/osdmap/osdmap-types.js';
import { POOL_OPT_NAMES } from '../../../src/lib/osdmap/pool-opts.js';
import { printOSDMap } from '../../../src/lib/osdmap/print.js';
import { FIXTURES_DIR } from '../../helpers/ceph.js';

const load = (r: 'reef' | 'tentacle'): OSDMap => decodeOSDMap(readFileSync(join(FIXTURES_DIR, 'maps', `${r}-osdmap.bin`)));
const line = (text: string, prefix: string): string => text.split('\n').find((l) => l.startsWith(prefix)) ?? '';
function setOpt(m: OSDMap, pool: number, name: string, value: number): void {
  const key = POOL_OPT_NAMES.indexOf(name);
  const p = m.pools.get(pool)!;
  p.opts.opts = p.opts.opts.filter((o) => o.key !== key).concat({ key, opt: { type: 1, value: BigInt(value) } }).sort((a, b) => a.key - b.key);
}

describe('osdmap text by release', () => {
  it('release names: each release names itself and older ones, later ones are unknown (umbrella too)', () => {
    const m = load('reef');
    m.requireMinCompatClient = 19;
    expect(line(printOSDMap(m, 16), 'require_min_compat_client')).toBe('require_min_compat_client unknown');
    expect(line(printOSDMap(m, 18), 'require_min_compat_client')).toBe('require_min_compat_client unknown');
    expect(line(printOSDMap(m, 20), 'require_min_compat_client')).toBe('require_min_compat_client squid');
    m.requireMinCompatClient = 21;
    expect(line(printOSDMap(m, 20), 'require_min_compat_client')).toBe('require_min_compat_client unknown');
    // Pacific does not decode pg_upmap_primaries: luminous (for pg_upmap_items), no line, no score.
    const pacific = printOSDMap(load('reef'), 16);
    expect([line(pacific, 'min_compat_client'), pacific.includes('pg_upmap_primary'), pacific.includes('read_balance_score')]).toEqual(['min_compat_client luminous', false, false]);
    expect(Object.keys(dumpOSDMap(load('reef'), 16))).not.toContain('pg_upmap_primaries');
  });

  it('flag names: noautoscale (bit 23) from Quincy, crimson from Reef, ec_optimizations from Tentacle', () => {
    const m = load('reef');
    m.flags = (m.flags | (1 << 23) | (1 << 24)) >>> 0;
    for (const p of m.pools.values()) p.flags |= (1n << 17n) | (1n << 18n) | (1n << 19n) | (1n << 20n);
    expect(line(printOSDMap(m, 16), 'flags')).toBe('flags noout,sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit');
    expect(line(printOSDMap(m, 18), 'flags')).toBe('flags noout,sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit,noautoscale');
    expect(line(printOSDMap(m, 16), 'pool 2')).toContain(' flags hashpspool,bulk,???,???,??? ');
    expect(line(printOSDMap(m, 18), 'pool 2')).toContain(' flags hashpspool,bulk,crimson,???,??? ');
    expect(line(printOSDMap(m, 20), 'pool 2')).toContain(' flags hashpspool,bulk,crimson,ec_optimizations,??? ');
    expect((dumpOSDMap(m, 18).flags_set as string[])[0]).toBe('');
  });

  it('pool options: pg_num_max to Reef, read_ratio and pct_update_delay in Tentacle', () => {
    const m = load('reef');
    setOpt(m, 1, 'pct_update_delay', 7);
    setOpt(m, 1, 'read_ratio', 33);
    setOpt(m, 1, 'pg_num_max', 5);
    expect(line(printOSDMap(m, 18), 'pool 1')).toContain(' stripe_width 0 pg_num_max 5 application rbd read_balance_score 1.70');
    expect(line(printOSDMap(m, 20), 'pool 1')).toContain(' stripe_width 0 pct_update_delay 7 pg_num_max 5 read_ratio 33 application rbd read_balance_score 1.59');
    const pools = dumpOSDMap(m, 18).pools as { options: Record<string, unknown> }[];
    expect(pools[0]!.options).toEqual({ pg_num_max: 5n });
  });

  it('Tentacle’s size-aware score: load over the integer average; OSD ids 0..n-1 for the PG legs', () => {
    const m = load('tentacle');
    setOpt(m, 1, 'read_ratio', 7);
    expect(line(printOSDMap(m, 20), 'pool 1')).toMatch(/ read_ratio 7 application rbd read_balance_score 1\.65$/);
    const rb = (dumpOSDMap(m, 20).pools as { read_balance: Record<string, unknown> }[])[0]!.read_balance;
    expect(rb).toMatchObject({ score_type: 'OSD size aware', average_osd_load: 1830, most_loaded_osd: { osd: 4, pgs: 32, primaries: 7, load: 3025 } });
    setOpt(m, 1, 'read_ratio', 0);
    expect(printOSDMap(m, 20)).toContain("\n ERROR: ERROR: pool 1 has invalid read_ratio 0 - Can't calculate size-optimal read balancer score\n");
    // Two OSDs down: the pool's PGs sit on OSDs 1, 2, 3; Tentacle counts the legs of OSDs 0, 1, 2.
    const d = load('tentacle');
    for (const o of [0, 4]) d.osdState[o] = d.osdState[o]! & ~2;
    expect(printOSDMap(d, 20)).toContain("\n ERROR: ERROR: pool 1 has 33 PG OSD legs, expected 96 - Can't calculate size-optimal read balancer score\n");
    // Reef scores the same pool by fair distribution (it has no read_ratio).
    expect(line(printOSDMap(load('tentacle'), 18), 'pool 1')).not.toContain('read_ratio');
  });
});
