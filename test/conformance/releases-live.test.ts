import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, GOLDEN_DIR, makeTempDir, pidAlive, removeTempDirs, runTool as runHostTool } from '../helpers/ceph.js';
import { availableReleases, chrootDir, runTool, startMon, type Release, type ReleaseMon } from '../helpers/releases.js';

/** The committed fixture stores each release made: [fixture tarball, golden dir, backend]. */
const FIXTURES: Record<Release, Array<[string, string, 'rocksdb' | 'leveldb']>> = {
  pacific: [
    ['mon-rocksdb.tar.gz', 'rocksdb', 'rocksdb'],
    ['mon-leveldb.tar.gz', 'leveldb', 'leveldb'],
  ],
  reef: [['mon-reef.tar.gz', 'reef', 'rocksdb']],
  tentacle: [['mon-tentacle.tar.gz', 'tentacle', 'rocksdb']],
};

const VERSION: Record<Release, RegExp> = {
  pacific: /^ceph version 16\.2\./,
  reef: /^ceph version 18\.2\./,
  tentacle: /^ceph version 20\.2\./,
};

function bindsOf(dir: string): string[] {
  const self = fs.realpathSync(dir);
  return fs.readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(self));
}

const releases = availableReleases();

/** CI names the releases it installed (MONCTL_REQUIRE_RELEASES=pacific,reef,tentacle): none may be missing. */
describe('required Ceph releases', () => {
  const required = (process.env.MONCTL_REQUIRE_RELEASES ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  it.skipIf(required.length === 0)(`are all available: ${required.join(', ')}`, () => {
    expect(required.filter((r) => !releases.includes(r as Release))).toEqual([]);
  });
});

describe.skipIf(releases.length === 0)('the release helpers: every available Ceph release, live', () => {
  const started: ReleaseMon[] = [];
  afterAll(async () => {
    for (const m of started) await m.stop();
    removeTempDirs();
  });

  for (const release of releases) {
    describe(release, () => {
      it('runs the release’s own tools', () => {
        const r = runTool(release, 'ceph-mon', ['--version']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(VERSION[release]);
      });

      it('mkfs, start, ceph osd set noout, osd dump shows it; stop; ceph-kvstore-tool lists the osdmap', async () => {
        const dir = makeTempDir(`monctl-rel-${release}-`);
        const monData = path.join(dir, 'mon-a');
        const mon = await startMon(release, { monData, mkfs: true });
        started.push(mon);
        if (release !== 'pacific') {
          // The mon runs inside the chroot, on the host's paths.
          expect(fs.readlinkSync(`/proc/${mon.pid}/root`)).toBe(chrootDir(release));
          expect(bindsOf(dir).length).toBeGreaterThan(0);
        }
        const version = await mon.cephJson<{ mon?: Record<string, number> }>(['versions']);
        expect(Object.keys(version.mon ?? {}).join()).toMatch(VERSION[release]);

        const set = await mon.ceph(['osd', 'set', 'noout']);
        expect(set.code, set.stderr).toBe(0);
        const dump = await mon.cephJson<{ epoch: number; flags: string }>(['osd', 'dump']);
        expect(dump.flags.split(',')).toContain('noout');

        await mon.stop();
        expect(pidAlive(mon.pid)).toBe(false);
        expect(bindsOf(dir)).toEqual([]);

        const list = runTool(release, 'ceph-kvstore-tool', ['rocksdb', path.join(monData, 'store.db'), 'list', 'osdmap'], { binds: [dir] });
        expect(list.code, list.stderr).toBe(0);
        const keys = list.stdout.split('\n').filter(Boolean);
        expect(keys).toContain('osdmap\tlast_committed');
        expect(keys).toContain(`osdmap\t${dump.epoch}`);
        expect(bindsOf(dir)).toEqual([]);
      });

      it('starts on its committed fixture store (stored monmap rewritten for a new port)', async () => {
        const [tarball, golden] = FIXTURES[release][0]!;
        const dir = makeTempDir(`monctl-rel-start-${release}-`);
        const tar = runHostTool('tar', ['-xzf', path.join(FIXTURES_DIR, tarball), '-C', dir]);
        expect(tar.code, tar.stderr).toBe(0);
        const lastEpoch = fs
          .readFileSync(path.join(GOLDEN_DIR, golden, 'kvstore-list-osdmap.txt'), 'utf8')
          .split('\n')
          .map((l) => Number(l.split('\t')[1]))
          .filter(Number.isInteger)
          .reduce((a, e) => Math.max(a, e), 0);
        const mon = await startMon(release, { monData: path.join(dir, 'mon-a') });
        started.push(mon);
        const dump = await mon.cephJson<{ epoch: number; pools: Array<{ pool_name: string }> }>(['osd', 'dump']);
        expect(dump.epoch).toBeGreaterThanOrEqual(lastEpoch);
        expect(dump.pools.map((p) => p.pool_name)).toContain('rbd');
        await mon.stop();
        expect(bindsOf(dir)).toEqual([]);
      });

      for (const [tarball, golden, backend] of FIXTURES[release]) {
        it(`${tarball}: golden/${golden}/kvstore-list.txt = ${release}'s ceph-kvstore-tool on a fresh extraction`, () => {
          const dir = makeTempDir(`monctl-rel-fix-${release}-`);
          const tar = runHostTool('tar', ['-xzf', path.join(FIXTURES_DIR, tarball), '-C', dir]);
          expect(tar.code, tar.stderr).toBe(0);
          const r = runTool(release, 'ceph-kvstore-tool', [backend, path.join(dir, 'mon-a', 'store.db'), 'list'], { binds: [dir] });
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout).toBe(fs.readFileSync(path.join(GOLDEN_DIR, golden, 'kvstore-list.txt'), 'utf8'));
        });
      }
    });
  }
});
