/**
 * `osdmap upgrade-check`: on the fixture stores (Tentacle to Tentacle re-encodes every map to
 * the same bytes; Reef to Tentacle changes CRCs but loses nothing), stale override entries of a
 * deleted pool, a merged PG and a removed OSD, and MSR rules against require_min_compat_client.
 * The store is left untouched.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import OsdmapUpgradeCheck from '../../../src/commands/osdmap/upgrade-check.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/osdmap.js';
import { pgKey } from '../../../src/lib/osdmap/osdmap-codec.js';
import { staleOverrides, upgradeCheck } from '../../../src/lib/mon/osd/upgrade-check.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { FIXTURES_DIR, extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';
import { hashTree } from '../../helpers/stores.js';

describe('osdmap upgrade-check', () => {
  it('Tentacle store to tentacle: every map re-encodes to its own bytes; Reef store to tentacle: CRCs change, nothing lost', async () => {
    try {
      const t = await MonStore.with(extractFixture('tentacle'), {}, (s) => upgradeCheck(s, 20));
      expect([t.checked, t.crcChanged, t.unrepresentableEpochs, t.ok]).toEqual([96, 0, 0, true]);
      expect(t.msr).toEqual({ rules: ['msrpool'], requireMinCompatClient: 'squid' });
      const reef = extractFixture('reef');
      const before = hashTree(reef);
      const r = await runCommand(OsdmapUpgradeCheck, ['--to', 'tentacle', '-s', reef, '--json']);
      expect(r.exitCode, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { checked: number; crcChanged: number; unrepresentableEpochs: number; ok: boolean };
      expect(report.checked).toBe(71);
      expect(report.crcChanged).toBeGreaterThan(60);
      expect([report.unrepresentableEpochs, report.ok]).toEqual([0, true]);
      expect(hashTree(reef)).toEqual(before);
      const down = await runCommand(OsdmapUpgradeCheck, ['--to', 'pacific', '-s', reef]);
      expect(down.exitCode).toBe(2);
      expect(down.stderr).toContain('not an upgrade');
    } finally {
      removeTempDirs();
    }
  });

  it('stale entries: a deleted pool, a merged PG, a removed OSD', () => {
    const m = decodeOSDMap(readFileSync(join(FIXTURES_DIR, 'maps', 'reef-osdmap.bin')));
    expect(staleOverrides(m)).toEqual([]);
    const add = (pool: number, seed: number, osd: number) => m.pgUpmapPrimaries.set(pgKey({ pool, seed }), { pg: { pool, seed }, value: osd });
    add(9, 0, 1);
    add(1, 40, 1);
    add(1, 2, 6);
    expect(staleOverrides(m)).toEqual([
      { table: 'pg_upmap_primaries', pgid: '1.2', reason: 'osd.6 does not exist' },
      { table: 'pg_upmap_primaries', pgid: '1.28', reason: 'pool 1 has pg_num 32 (merged away)' },
      { table: 'pg_upmap_primaries', pgid: '9.0', reason: 'pool 9 does not exist' },
    ]);
  });
});
