/**
 * `quorum up --release R` for every release whose tools are here (Pacific on the host, Reef and
 * Tentacle in their chroots): three embedded monitors of release R take a few commands, stop,
 * and each store must be what R's ceph-mon --mkfs lays out (kv_backend, min_mon_release, LevelDB
 * or RocksDB) and read in R's own tools as in monctl: ceph-monstore-tool dump-paxos (every
 * version decodes), get osdmap / get monmap (the same bytes monctl reads), osdmaptool --print
 * (require_osd_release R, the pool, the epoch) and monmaptool --print (min_mon_release R).
 * Then R's own ceph-mon starts on the store of a one-monitor embedded cluster of R and serves
 * its maps (`ceph osd dump`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import OsdCreate from '../../src/commands/osd/create.js';
import OsdCrushAdd from '../../src/commands/osd/crush/add.js';
import OsdOut from '../../src/commands/osd/out.js';
import OsdPoolCreate from '../../src/commands/osd/pool/create.js';
import OsdSet from '../../src/commands/osd/set.js';
import OsdmapPrint from '../../src/commands/osdmap/print.js';
import QuorumDown from '../../src/commands/quorum/down.js';
import QuorumUp from '../../src/commands/quorum/up.js';
import { releaseFromName } from '../../src/lib/ceph-releases.js';
import { decodeStoredMonMap } from '../../src/lib/mon/index.js';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import type { UpResult } from '../../src/lib/quorum/host/lifecycle.js';
import { MonStore } from '../../src/lib/store/index.js';
import { copyDir, makeTempDir, removeTempDirs } from '../helpers/ceph.js';
import { parseDumpPaxos } from '../helpers/golden.js';
import { killSeen, monPath, openCluster } from '../helpers/quorum.js';
import { availableReleases, runTool, startMon, type Release } from '../helpers/releases.js';
import { runCommand, runOk, type RunnableCommand } from '../helpers/run-command.js';

const releases = availableReleases();

function tool(release: Release, cmd: string, args: string[], binds: string[]): string {
  const r = runTool(release, cmd, args, { binds, timeoutMs: 120_000 });
  expect(r.code, `${release} ${cmd} ${args.join(' ')}: ${r.stderr.slice(-2000)}`).toBe(0);
  return r.stdout;
}


describe.skipIf(releases.length === 0)('quorum up --release: each release\'s stores, read by its own tools', () => {
  afterAll(() => {
    killSeen();
    removeTempDirs();
  });

  for (const release of releases) {
    it(`${release}: layout, dump-paxos, get osdmap / monmap, osdmaptool and monmaptool --print`, async () => {
      const number = releaseFromName(release);
      const dir = join(makeTempDir(`monctl-quorum-${release}-`), 'cluster');
      try {
        const up = await runCommand<UpResult>(QuorumUp, ['-n', '3', '--dir', dir, '--release', release, '--detach', '--json']);
        expect(up.exitCode, up.stdout + up.stderr).toBe(0);
        expect(up.result!.status.quorum).toEqual([0, 1, 2]);
        const c = ['--cluster', dir];
        for (let i = 0; i < 3; i++) await runOk(OsdCreate, c);
        await runOk(OsdCrushAdd, ['0', '1.0', 'host=h0', ...c]);
        await runOk(OsdPoolCreate, ['rbd', '8', ...c]);
        await runOk(OsdOut, ['2', ...c]);
        await runOk(OsdSet, ['noout', ...c]);
        // Reopening names the cluster's release; another one is refused.
        const other = await runCommand(QuorumUp, ['--dir', dir, '--release', release === 'pacific' ? 'reef' : 'pacific', '--detach']);
        expect(other.exitCode).toBe(2);
        expect(other.stderr).toMatch(new RegExp(`holds a ${release} cluster`));
        await runOk(QuorumDown, c);

        const cluster = openCluster(dir);
        for (const name of cluster.config.names) {
          const mon = monPath(cluster, name);
          expect(readFileSync(join(mon, 'kv_backend'), 'utf8')).toBe(release === 'pacific' ? 'leveldb\n' : 'rocksdb\n');
          expect(readFileSync(join(mon, 'min_mon_release'), 'utf8')).toBe(`${release}\n`);
          if (release !== 'pacific') expect(readdirSync(join(mon, 'store.db')).some((f) => f.startsWith('OPTIONS-'))).toBe(true);
        }
        const mon = monPath(cluster, 'a');
        const { lastPaxos, lastEpoch, ourMap, ourMonmap } = await MonStore.with(mon, {}, async (s) => {
          const u64 = async (p: string, k: string) => Number(Buffer.from((await s.get(p, k))!).readBigUInt64LE());
          const lastEpoch = await u64('osdmap', 'last_committed');
          const lastMonmap = await u64('monmap', 'last_committed');
          return {
            lastPaxos: await u64('paxos', 'last_committed'),
            lastEpoch,
            ourMap: Buffer.from((await s.get('osdmap', `full_${lastEpoch}`))!),
            ourMonmap: Buffer.from((await s.get('monmap', String(lastMonmap)))!),
          };
        });
        expect(decodeOSDMap(ourMap).requireOsdRelease).toBe(number);
        expect(decodeStoredMonMap(ourMonmap, 'monmap').minMonRelease).toBe(number);

        // The release's tools on a private copy (they open the store read-write), their files beside it.
        const copy = copyDir(mon, join(makeTempDir(`monctl-quorum-${release}-copy-`), 'mon'));
        const out = join(copy, '..');
        const store = (args: string[]) => tool(release, 'ceph-monstore-tool', [copy, ...args], [out]);
        const dump = parseDumpPaxos(store(['dump-paxos', '--', '--start', '1', '--end', String(lastPaxos)]));
        expect(dump.map((d) => d.version)).toEqual(Array.from({ length: lastPaxos }, (_, i) => i + 1));
        expect(JSON.stringify(dump)).toMatch(/"prefix":"osdmap","key":"full_\d+"/);
        store(['get', 'osdmap', '--', '--version', String(lastEpoch), '--out', join(out, 'osdmap')]);
        expect(readFileSync(join(out, 'osdmap')).equals(ourMap), 'get osdmap = the stored full map').toBe(true);
        store(['get', 'monmap', '--', '--out', join(out, 'monmap')]);
        expect(readFileSync(join(out, 'monmap')).equals(ourMonmap), 'get monmap = the stored monmap').toBe(true);

        const print = tool(release, 'osdmaptool', [join(out, 'osdmap'), '--print'], [out]);
        expect(print).toMatch(new RegExp(`^epoch ${lastEpoch}$`, 'm'));
        expect(print).toMatch(new RegExp(`^fsid ${cluster.config.fsid}$`, 'm'));
        expect(print).toMatch(new RegExp(`^require_osd_release ${release}$`, 'm'));
        expect(print).toMatch(/^flags .*noout/m);
        expect(print).toMatch(/^pool 1 'rbd' replicated size 3 min_size 2 .*pg_num 8 /m);
        expect(print).toMatch(/^max_osd 3$/m);
        // monctl reads the release from the store (min_mon_release) and prints as R's osdmaptool.
        expect(await runOk(OsdmapPrint, ['-s', mon])).toBe(print);
        const monmap = tool(release, 'monmaptool', ['--print', join(out, 'monmap')], [out]);
        expect(monmap).toMatch(new RegExp(`^min_mon_release ${number} \\(${release}\\)$`, 'm'));
        expect(monmap.match(/^\d: v2:127\.0\.0\.1:\d+\/0 mon\.[abc]$/gm)?.length).toBe(3);
        console.log(`quorum-releases: ${release}: paxos 1..${lastPaxos} and osdmap e${lastEpoch} read by its ceph-monstore-tool, osdmaptool and monmaptool`);
      } finally {
        killSeen();
      }
    }, 150_000);

    it(`${release}: its ceph-mon starts on a stopped one-monitor cluster's store and serves the maps`, async () => {
      const dir = join(makeTempDir(`monctl-quorum-${release}-mon-`), 'cluster');
      try {
        const up = await runCommand<UpResult>(QuorumUp, ['-n', '1', '--dir', dir, '--release', release, '--detach', '--json']);
        expect(up.exitCode, up.stdout + up.stderr).toBe(0);
        const c = ['--cluster', dir];
        await runOk(OsdCreate, c);
        await runOk(OsdPoolCreate, ['rbd', '8', ...c]);
        await runOk(QuorumDown, c);
        const cluster = openCluster(dir);
        const mon = await startMon(release, { monData: monPath(cluster, 'a'), name: 'a', fsid: cluster.config.fsid, port: cluster.config.ports[0], useStoredMonmap: true });
        try {
          const dump = await mon.ceph(['osd', 'dump', '-f', 'json']);
          expect(dump.code, dump.stderr).toBe(0);
          const d = JSON.parse(dump.stdout) as { epoch: number; fsid: string; require_osd_release: string; pools: Array<{ pool_name: string }>; osds: unknown[] };
          expect(d.fsid).toBe(cluster.config.fsid);
          expect(d.require_osd_release).toBe(release);
          expect(d.epoch).toBeGreaterThanOrEqual(3);
          expect(d.pools.map((p) => p.pool_name)).toEqual(['rbd']);
          expect(d.osds.length).toBe(1);
          const q = JSON.parse((await mon.ceph(['quorum_status', '-f', 'json'])).stdout) as { quorum_names: string[]; monmap: { min_mon_release_name: string } };
          expect(q.quorum_names).toEqual(['a']);
          expect(q.monmap.min_mon_release_name).toBe(release);
          console.log(`quorum-releases: ${release}: ceph-mon ${release} formed a quorum on the embedded store, osdmap e${d.epoch}`);
        } finally {
          await mon.stop();
        }
      } finally {
        killSeen();
      }
    }, 150_000);
  }
});
