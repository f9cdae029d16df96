import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import OsdmapGet from '../../src/commands/osdmap/get.js';
import OsdmapTrim from '../../src/commands/osdmap/trim.js';
import StoreCheck from '../../src/commands/store/check.js';
import StoreTrim from '../../src/commands/store/trim.js';
import { readServiceVersions } from '../../src/lib/mon/paxos/index.js';
import { MonStore } from '../../src/lib/store/index.js';
import { cephAvailable, extractFixture, makeTempDir, removeTempDirs, runTool, startMon, type Backend, type RunningMon } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';

/** `ceph osd getmap E -o F` for a kept epoch: the same bytes as the store held, osdmaptool prints it. */
async function expectServed(mon: RunningMon, epoch: number, storedCopy: string): Promise<void> {
  const out = join(mon.runDir, `osdmap.${epoch}`);
  const r = await mon.ceph(['osd', 'getmap', String(epoch), '-o', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(readFileSync(out).equals(readFileSync(storedCopy))).toBe(true);
  const printed = runTool('osdmaptool', [out, '--print']);
  expect(printed.code, printed.stderr).toBe(0);
  expect(printed.stdout).toContain(`epoch ${epoch}\n`);
}

/** Trimmed stores a real Ceph 16 ceph-mon starts on, serving every kept epoch and no trimmed one. */
describe.skipIf(!cephAvailable())('a real ceph-mon on stores monctl trimmed', () => {
  const running: RunningMon[] = [];
  afterAll(async () => {
    for (const m of running) await m.stop();
    removeTempDirs();
  });

  for (const backend of ['rocksdb', 'leveldb'] as Backend[]) {
    it(`${backend}: osdmap trim --keep 5 --force, then store trim --keep 3 --force`, async () => {
      const monData = extractFixture(backend);
      const files = makeTempDir('monctl-trim-maps-');
      // The full maps of kept epochs, as the store holds them before the monitor runs.
      for (const e of [27, 31]) expect((await runCommand(OsdmapGet, ['-s', monData, '--epoch', String(e), '-o', join(files, `full.${e}`)])).exitCode).toBe(0);

      const t = await runCommand(OsdmapTrim, ['-s', monData, '--keep', '5', '--force', '--no-backup', '--json']);
      expect(t.exitCode, t.stdout).toBe(0);
      expect(JSON.parse(t.stdout)).toMatchObject({ applied: true, from: 1, to: 27 });
      let mon = await startMon({ monData });
      running.push(mon);
      for (const e of [27, 31]) await expectServed(mon, e, join(files, `full.${e}`));
      const gone = await mon.ceph(['osd', 'getmap', '5', '-o', join(files, 'gone')], { timeoutMs: 20_000 });
      expect(gone.code).not.toBe(0);
      // the monitor keeps committing on top of the trimmed history
      expect((await mon.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
      await mon.stop();
      expect((await runCommand(StoreCheck, ['-s', monData])).exitCode).toBe(0);

      const s = await runCommand(StoreTrim, ['-s', monData, '--keep', '3', '--force', '--no-backup', '--json']);
      expect(s.exitCode, s.stdout).toBe(0);
      const trimmed = (JSON.parse(s.stdout) as { trimmed: Array<{ service: string }> }).trimmed.map((x) => x.service);
      expect(trimmed).toEqual(expect.arrayContaining(['logm', 'osdmap', 'paxos']));
      expect((await runCommand(StoreCheck, ['-s', monData])).exitCode).toBe(0);
      const osdmap = await MonStore.with(monData, {}, (st) => readServiceVersions(st, 'osdmap'));
      const [first, last] = [Number(osdmap.first_committed), Number(osdmap.last_committed)];
      expect(last - first).toBe(2);
      expect((await runCommand(OsdmapGet, ['-s', monData, '--epoch', String(first), '-o', join(files, 'first')])).exitCode).toBe(0);
      mon = await startMon({ monData });
      running.push(mon);
      const dump = await mon.ceph(['osd', 'dump', '-f', 'json']);
      expect(JSON.parse(dump.stdout).flags).toContain('nodown');
      expect((await mon.ceph(['osd', 'getmap', String(first - 1), '-o', join(files, 'x')])).code).not.toBe(0);
      await expectServed(mon, first, join(files, 'first'));
      expect((await mon.ceph(['log', 'last', '5'])).code).toBe(0);
      await mon.stop();
    });
  }
});
