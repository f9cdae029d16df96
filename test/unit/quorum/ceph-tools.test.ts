/**
 * The real Ceph tools read what the quorum wrote: ceph-monstore-tool lists and extracts the
 * maps and dumps the paxos versions, osdmaptool and monmaptool print them. Skipped when the
 * tools are not installed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cephAvailable, runTool, which } from '../../helpers/ceph.js';
import { tempDir } from '../../helpers/stores.js';
import { runCommands, writeMonDir } from './fixture.js';

describe.skipIf(!cephAvailable() || which('osdmaptool') === undefined)('Ceph tools read the quorum store', () => {
  const tmp = tempDir('quorum-ceph');
  let mon = '';
  beforeAll(async () => {
    mon = await writeMonDir(runCommands().disk, tmp.dir, 'rocksdb');
  });
  afterAll(() => tmp.cleanup());

  it('osdmaptool prints the last osdmap and its CRUSH tree', () => {
    const out = join(tmp.dir, 'osdmap');
    expect(runTool('ceph-monstore-tool', [mon, 'get', 'osdmap', '--', '--out', out]).stderr).not.toMatch(/error/i);
    const print = runTool('osdmaptool', [out, '--print']);
    expect(print.code).toBe(0);
    expect(print.stdout).toContain('epoch 15');
    expect(print.stdout).toContain("pool 1 'rbd' replicated size 3 min_size 1 crush_rule 0 object_hash rjenkins pg_num 16 pgp_num 16");
    expect(print.stdout).toContain("pool 2 'ecpool' erasure profile default size 4 min_size 3 crush_rule 1");
    expect(print.stdout).toContain('pg_upmap_items 1.7 [0,1]');
    expect(print.stdout).toMatch(/flags sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit\n/);
    const tree = runTool('osdmaptool', [out, '--tree']);
    expect(tree.stdout).toMatch(/-\d+\s+1\.00000\s+rack r1/);
    expect(tree.stdout).toMatch(/1\s+0\.50000\s+osd\.1\s+down\s+0\.50000/);
  });

  it('monmaptool prints monmap epoch 1', () => {
    const out = join(tmp.dir, 'monmap');
    runTool('ceph-monstore-tool', [mon, 'get', 'monmap', '--', '--out', out]);
    const print = runTool('monmaptool', ['--print', out]);
    expect(print.stdout).toContain('epoch 1');
    expect(print.stdout).toContain('0: v2:10.0.0.1:3300/0 mon.a');
    expect(readFileSync(out).length).toBeGreaterThan(0);
  });

  it('ceph-monstore-tool dumps paxos version 1 as the mkfs maps', () => {
    const dump = runTool('ceph-monstore-tool', [mon, 'dump-paxos', '--', '--start', '1', '--end', '1']);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toMatch(/"prefix": "monmap",\s+"key": "1"/);
    expect(dump.stdout).toMatch(/"prefix": "osdmap",\s+"key": "full_1"/);
  });
});
