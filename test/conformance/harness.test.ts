import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cephAvailable,
  extractFixture,
  FIXTURE_FSID,
  pidAlive,
  removeTempDirs,
  runningMonPids,
  runTool,
  startMon,
  type Backend,
  type RunningMon,
} from '../helpers/ceph.js';

// What test/fixtures/make-fixtures.sh builds (both backends share the history).
const EXPECTED_OSDMAP_EPOCH = 31;
const EXPECTED_POOLS = [
  { pool_name: 'rbd', pg_num: 32, type: 1 },
  { pool_name: 'ecpool', pg_num: 16, type: 3 },
];

interface OsdDump {
  epoch: number;
  fsid: string;
  flags: string;
  pools: Array<{ pool_name: string; pg_num: number; type: number }>;
  osds: Array<{ osd: number; in: number; up: number }>;
  pg_upmap_items: Array<{ pgid: string; mappings: Array<{ from: number; to: number }> }>;
}

describe.skipIf(!cephAvailable())('conformance harness: real ceph-mon on the fixtures', () => {
  const started: RunningMon[] = [];

  afterAll(async () => {
    for (const mon of started) await mon.stop();
    removeTempDirs();
  });

  for (const backend of ['leveldb', 'rocksdb'] as Backend[]) {
    it(
      `${backend}: extract, start on a free port, ceph osd dump, stop`,
      async () => {
        const monData = extractFixture(backend);
        expect(fs.readFileSync(path.join(monData, 'kv_backend'), 'utf8').trim()).toBe(backend);

        const mon = await startMon({ monData });
        started.push(mon);
        expect(runningMonPids()).toContain(mon.pid);
        expect(pidAlive(mon.pid)).toBe(true);

        const r = await mon.ceph(['osd', 'dump', '-f', 'json']);
        expect(r.code, r.stderr).toBe(0);
        const dump = JSON.parse(r.stdout) as OsdDump;
        expect(dump.fsid).toBe(FIXTURE_FSID);
        expect(dump.epoch).toBe(EXPECTED_OSDMAP_EPOCH);
        for (const want of EXPECTED_POOLS) {
          expect(dump.pools).toContainEqual(expect.objectContaining(want));
        }
        expect(dump.osds).toHaveLength(6);
        expect(dump.osds.filter((o) => o.in === 0).map((o) => o.osd)).toEqual([3, 5]);
        expect(dump.flags.split(',')).toContain('noout');
        expect(dump.pg_upmap_items).toEqual([{ pgid: '1.0', mappings: [{ from: 0, to: 1 }] }]);

        const q = await mon.ceph(['quorum_status', '-f', 'json']);
        expect(q.code, q.stderr).toBe(0);
        const quorum = JSON.parse(q.stdout) as { quorum_names: string[]; monmap: { mons: Array<{ public_addr: string }> } };
        expect(quorum.quorum_names).toEqual(['a']);
        expect(quorum.monmap.mons[0]?.public_addr).toBe(`127.0.0.1:${mon.port}/0`);

        await mon.stop();
        expect(mon.exited).toBe(true);
        expect(pidAlive(mon.pid)).toBe(false);
        expect(runningMonPids()).not.toContain(mon.pid);

        // The store is still readable by the offline tools after the mon ran on it.
        const list = runTool('ceph-kvstore-tool', [backend, path.join(monData, 'store.db'), 'list', 'osdmap']);
        expect(list.code, list.stderr).toBe(0);
        expect(list.stdout).toContain(`osdmap\t${EXPECTED_OSDMAP_EPOCH}\n`);
      },
      60_000,
    );
  }

  it(
    'mkfs: a brand-new rocksdb mon starts and answers',
    async () => {
      const dir = extractFixture('rocksdb'); // just for a temp location
      const monData = path.join(path.dirname(dir), 'mon-new');
      const mon = await startMon({ monData, mkfs: true, backend: 'rocksdb' });
      started.push(mon);
      const r = await mon.ceph(['osd', 'dump', '-f', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as OsdDump).fsid).toBe(FIXTURE_FSID);
      await mon.stop();
      expect(pidAlive(mon.pid)).toBe(false);
      expect(fs.readFileSync(path.join(monData, 'kv_backend'), 'utf8').trim()).toBe('rocksdb');
    },
    60_000,
  );
});
