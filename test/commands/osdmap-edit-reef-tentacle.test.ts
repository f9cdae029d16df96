import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import SetCrush from '../../src/commands/osdmap/edit/set-crush.js';
import { decodeCrushMap, encodeCrushMap, RULE_TYPE_MSR_FIRSTN, RULE_TYPE_MSR_INDEP } from '../../src/lib/crush/index.js';
import RmUpmapPrimary from '../../src/commands/osdmap/edit/rm-upmap-primary.js';
import OsdmapDiff from '../../src/commands/osdmap/diff.js';
import OsdmapVerify from '../../src/commands/osdmap/verify.js';
import { readFullMap, readIncremental } from '../../src/lib/mon/index.js';
import { MonStore } from '../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree } from '../helpers/stores.js';

/**
 * Offline edits of what only Reef and Tentacle maps hold. `osdmap edit rm-upmap-primary` (`ceph osd rm-pg-upmap-primary` / `-all`) on the committed
 * Reef fixture (pg_upmap_primary 1.1 → osd.4, require_min_compat_client reef) and, for the
 * refusal of the min_compat_client gate, the Pacific one; `set-crush` with Tentacle's msr rules.
 * test/conformance/edits-every-release checks such epochs against Reef's and Tentacle's ceph-mon.
 */
afterAll(() => removeTempDirs());

async function mapOf(mon: string) {
  return MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map);
}

describe('osdmap edit rm-upmap-primary', () => {
  it('removes the entry in epoch e+1 through old_pg_upmap_primary; the chain verifies; diff names it', async () => {
    const mon = extractFixture('reef');
    const before = await mapOf(mon);
    expect(before.pgUpmapPrimaries.get('1.1')?.value).toBe(4);
    const r = await runCommand(RmUpmapPrimary, ['1.1', '-s', mon, '--no-backup', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { epoch: number; diff: { pg_upmap_primaries: unknown[]; identical: boolean } };
    expect(out.epoch).toBe(before.epoch + 1);
    expect(out.diff.pg_upmap_primaries).toEqual([{ pgid: '1.1', from: 4 }]);
    expect(out.diff.identical).toBe(false);
    const after = await mapOf(mon);
    expect(after.epoch).toBe(before.epoch + 1);
    expect(after.pgUpmapPrimaries.size).toBe(0);
    const { inc } = await MonStore.with(mon, {}, (s) => readIncremental(s, after.epoch));
    expect([...inc.oldPgUpmapPrimary.keys()]).toEqual(['1.1']);
    expect((await runCommand(OsdmapVerify, ['-s', mon, '--from', String(before.epoch)])).exitCode).toBe(0);
    const diff = await runCommand(OsdmapDiff, ['-s', mon, String(before.epoch), String(after.epoch)]);
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('pg_upmap_primary 1.1 removed (was 4)');
  });

  it('--all removes every entry; run again it proposes nothing and writes nothing', async () => {
    const mon = extractFixture('reef');
    const epoch = (await mapOf(mon)).epoch;
    const first = await runCommand(RmUpmapPrimary, ['--all', '-s', mon, '--no-backup', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { epoch: number }).epoch).toBe(epoch + 1);
    expect((await mapOf(mon)).pgUpmapPrimaries.size).toBe(0);
    const tree = hashTree(mon);
    const again = await runCommand(RmUpmapPrimary, ['--all', '-s', mon, '--no-backup', '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { unchanged?: string }).unchanged).toBe(`osdmap e${epoch + 1} has no pg_upmap_primary entries`);
    expect(hashTree(mon)).toEqual(tree);
  });

  const refusals: ['reef' | 'rocksdb', string[], RegExp][] = [
    ['reef', ['1.2'], /no pg_upmap_primary entry for 1\.2 \(pg 1\.2 exists\)/],
    ['reef', ['2.0'], /errno 22.*pg-upmap-primary is only supported for replicated pools/],
    ['reef', ['9.0'], /errno 2.*pgid '9\.0' does not exist/],
    ['reef', ['1.40'], /errno 2.*pgid '1\.40' does not exist/],
    ['reef', [], /name at least one PG id, or --all/],
    ['reef', ['1.1', '--all'], /name PG ids or --all, not both/],
    ['reef', ['x.y'], /x\.y/],
    // Pacific's fixture: require_min_compat_client below reef, refused as the monitor refuses it.
    ['rocksdb', ['1.0'], /errno 1.*min_compat_client \w+ < reef, which is required for pg-upmap-primary\. Try 'ceph osd set-require-min-compat-client reef' before using the new interface/],
    ['rocksdb', ['--all'], /errno 1.*< reef, which is required for pg-upmap-primary/],
  ];
  for (const [fixture, args, message] of refusals) {
    it(`refuses ${args.join(' ') || '(no PG)'} on the ${fixture === 'reef' ? 'Reef' : 'Pacific'} fixture, writing nothing`, async () => {
      const mon = extractFixture(fixture);
      const tree = hashTree(mon);
      const r = await runCommand(RmUpmapPrimary, [...args, '-s', mon, '--json']);
      expect(r.exitCode).toBe(2);
      const err = (JSON.parse(r.stdout) as { error: { code: string; message: string; actions: string[] } }).error;
      expect(err.message).toMatch(message);
      expect(err.actions.length).toBeGreaterThan(0);
      expect(hashTree(mon)).toEqual(tree);
    });
  }
});

describe('osdmap edit set-crush on a Tentacle store with an msr rule', () => {
  it('takes the map the epoch has (msr_indep rule for the erasure pool) as a new epoch', async () => {
    const mon = extractFixture('tentacle');
    const before = await mapOf(mon);
    expect(before.crush.rules[before.pools.get(3)!.crushRule]!.type).toBe(RULE_TYPE_MSR_INDEP);
    const file = join(mon, '..', 'crush.same');
    writeFileSync(file, before.crushBytes);
    const r = await runCommand(SetCrush, [file, '-s', mon, '--no-backup', '--json']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect((await mapOf(mon)).epoch).toBe(before.epoch + 1);
  });

  it('refuses an msr_firstn rule for the erasure pool, as rule_valid_for_pool_type does', async () => {
    const mon = extractFixture('tentacle');
    const before = await mapOf(mon);
    const crush = decodeCrushMap(before.crushBytes);
    crush.rules[before.pools.get(3)!.crushRule]!.type = RULE_TYPE_MSR_FIRSTN;
    const file = join(mon, '..', 'crush.firstn');
    writeFileSync(file, encodeCrushMap(crush));
    const tree = hashTree(mon);
    const r = await runCommand(SetCrush, [file, '-s', mon]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("pool 3 'msrpool' has type 3 but rule 2 has type 4");
    expect(hashTree(mon)).toEqual(tree);
  });
});
