/**
 * `osdmap inc show` names by release: an incremental of the Tentacle fixture store that sets the
 * EC-optimized pool shows Tentacle's flag name and nonprimary_shards (its full map says
 * tentacle), and Pacific's names with --release 16 (`???`, no Tentacle fields).
 */
import { describe, expect, it } from 'vitest';
import OsdmapIncShow from '../../../src/commands/osdmap/inc/show.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';

describe('osdmap inc show by release', () => {
  it('Tentacle store epoch 58: Tentacle names by default, Pacific names with --release 16', async () => {
    const mon = extractFixture('tentacle');
    try {
      const text = await runCommand(OsdmapIncShow, ['58', '-s', mon]);
      expect(text.exitCode, text.stderr).toBe(0);
      expect(text.stdout).toContain("pool 2 '<unknown>' set: erasure profile ec21 size 3 min_size 2 crush_rule 1 object_hash rjenkins pg_num 16 pgp_num 16 autoscale_mode off last_change 58 flags hashpspool,ec_optimizations stripe_width 8192\n");
      const json = await runCommand(OsdmapIncShow, ['58', '-s', mon, '--json']);
      const pool = (JSON.parse(json.stdout) as { new_pools: Record<string, unknown>[] }).new_pools[0]!;
      expect([pool.flags_names, pool.nonprimary_shards, pool.is_stretch_pool]).toEqual(['hashpspool,ec_optimizations', '{1}', false]);
      const pacific = await runCommand(OsdmapIncShow, ['58', '-s', mon, '--json', '--release', 'pacific']);
      const old = (JSON.parse(pacific.stdout) as { new_pools: Record<string, unknown>[] }).new_pools[0]!;
      expect([old.flags_names, 'nonprimary_shards' in old]).toEqual(['hashpspool,???', false]);
    } finally {
      removeTempDirs();
    }
  });
});
