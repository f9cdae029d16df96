import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import StoreMigrate from '../../src/commands/store/migrate.js';
import { cephAvailable, copyDir, extractFixture, makeTempDir, quietToolConf, removeTempDirs, runTool, startMon, type RunningMon } from '../helpers/ceph.js';
import { chrootDir, releaseAvailable, runTool as runReleaseTool, startMon as startReleaseMon } from '../helpers/releases.js';
import { runCommand } from '../helpers/run-command.js';

/** `ceph-kvstore-tool <backend> <store.db> list` of Pacific (the host's), on a private copy (the tool rewrites files). */
function pacificList(backend: 'leveldb' | 'rocksdb', monData: string): string {
  const copy = copyDir(monData, join(makeTempDir('monctl-migrate-list-'), 'mon'));
  const r = runTool('ceph-kvstore-tool', [backend, join(copy, 'store.db'), 'list', `--conf=${quietToolConf()}`]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function osdDump(mon: RunningMon): Promise<{ epoch: number; fsid: string; pools: Array<{ pool_name: string }> }> {
  const r = await mon.ceph(['osd', 'dump', '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * A Pacific LevelDB mon data dir migrated by `monctl store migrate --to rocksdb`: Pacific's
 * ceph-mon runs on it, and the Ceph tools of Pacific and of newer releases read it key for key.
 */
describe.skipIf(!cephAvailable())('store migrate --to rocksdb: what the Ceph releases make of the new store', () => {
  let src = '';
  let dest = '';
  let original = '';
  const running: RunningMon[] = [];
  beforeAll(async () => {
    src = extractFixture('leveldb');
    dest = join(makeTempDir('monctl-migrated-'), 'mon-a');
    const r = await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ match: true, backend: 'rocksdb' });
    original = pacificList('leveldb', src);
  });
  afterAll(async () => {
    for (const m of running) await m.stop();
    removeTempDirs();
  });

  it('Pacific ceph-kvstore-tool rocksdb list of the copy = leveldb list of the source', () => {
    expect(original.trimEnd().split('\n')).toHaveLength(368);
    expect(pacificList('rocksdb', dest)).toBe(original);
  });

  it("Pacific's ceph-mon starts on the migrated store and serves the original's osdmap", async () => {
    const before = await startMon({ monData: copyDir(src, join(makeTempDir('monctl-migrate-orig-'), 'mon-a')) });
    running.push(before);
    const theirs = await osdDump(before);
    await before.stop();

    const mon = await startMon({ monData: copyDir(dest, join(makeTempDir('monctl-migrate-mon-'), 'mon-a')) });
    running.push(mon);
    const ours = await osdDump(mon);
    expect(ours.epoch).toBe(theirs.epoch);
    expect(ours.epoch).toBe(31);
    expect(ours.fsid).toBe(theirs.fsid);
    expect(ours.pools.map((p) => p.pool_name)).toEqual(theirs.pools.map((p) => p.pool_name));
    // and it keeps committing on the new backend
    const set = await mon.ceph(['osd', 'set', 'nodown']);
    expect(set.code, set.stderr).toBe(0);
    expect((await osdDump(mon)).epoch).toBe(32);
    await mon.stop();
  });

  it('is refused while a real ceph-mon runs on the source (its LOCK, seen in /proc/locks), and names it', async () => {
    const live = copyDir(src, join(makeTempDir('monctl-migrate-live-'), 'mon-a'));
    const mon = await startMon({ monData: live });
    running.push(mon);
    try {
      const target = join(makeTempDir('monctl-migrate-refused-'), 'new');
      const r = await runCommand(StoreMigrate, [target, '--to', 'rocksdb', '-s', live]);
      expect(r.exitCode, r.stdout).toBe(3);
      expect(r.stderr).toContain(`STORE_LOCKED: ${join(live, 'store.db')} is held by pid ${mon.pid} (ceph-mon)`);
      expect(existsSync(target)).toBe(false);
    } finally {
      await mon.stop();
    }
  });

  for (const release of ['reef', 'tentacle'] as const) {
    const why = releaseAvailable(release) ? undefined : `no ${release} chroot at ${chrootDir(release)} (scripts/ceph-oracles.sh build ${release}), or not root`;
    it.skipIf(why !== undefined)(`${release}'s ceph-kvstore-tool rocksdb list reads the migrated store${why ? ` (skipped: ${why})` : ''}`, () => {
      const copy = copyDir(dest, join(makeTempDir(`monctl-migrate-${release}-`), 'mon-a'));
      const r = runReleaseTool(release, 'ceph-kvstore-tool', ['rocksdb', join(copy, 'store.db'), 'list'], { binds: [copy] });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(original);
    });
  }

  // Ceph's documented upgrade from Pacific to Reef: stop the Pacific monitor, start Reef's on
  // the same data dir (require_osd_release is pacific already; the mon converts what it needs).
  // Tentacle refuses it: "recorded min_mon_release 16 (pacific) is more than two releases older".
  const noReef = releaseAvailable('reef') ? undefined : `no reef chroot at ${chrootDir('reef')} (scripts/ceph-oracles.sh build reef), or not root`;
  it.skipIf(noReef !== undefined)(`Reef's ceph-mon starts on the migrated store (the upgrade) and keeps committing${noReef ? ` (skipped: ${noReef})` : ''}`, async () => {
    const mon = await startReleaseMon('reef', { monData: copyDir(dest, join(makeTempDir('monctl-migrate-reef-mon-'), 'mon-a')) });
    running.push(mon);
    const d = await mon.cephJson<{ epoch: number; pools: Array<{ pool_name: string }> }>(['osd', 'dump']);
    expect(d.epoch).toBeGreaterThanOrEqual(31);
    expect(d.pools.map((p) => p.pool_name)).toEqual(['rbd', 'ecpool']);
    expect((await mon.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
    await mon.stop();
  });
});
