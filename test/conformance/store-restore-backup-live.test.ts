import { afterAll, describe, expect, it } from 'vitest';
import OsdmapEditSetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import StoreRestoreBackup from '../../src/commands/store/restore-backup.js';
import { cephAvailable, extractFixture, removeTempDirs, startMon, type Backend, type RunningMon } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';

/**
 * `store restore-backup` against a real ceph-mon (Pacific, both backends): refused with
 * STORE_LOCKED while the monitor runs on the store; once it is stopped, the restore puts the
 * backup back and ceph-mon starts on the restored store with the map as it was before the
 * edit (the flag the edit set is gone).
 */
const running: RunningMon[] = [];
afterAll(async () => {
  for (const m of running) await m.stop();
  removeTempDirs();
});

async function osdFlags(mon: RunningMon): Promise<{ epoch: number; flags: string }> {
  const r = await mon.ceph(['osd', 'dump', '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { epoch: number; flags: string };
}

describe.skipIf(!cephAvailable())('store restore-backup with a live ceph-mon', () => {
  for (const backend of ['leveldb', 'rocksdb'] as Backend[]) {
    it(`${backend}: refused while the mon runs; after it stops, the restored store is what ceph-mon serves`, async () => {
      const monData = extractFixture(backend);
      const edit = await runCommand(OsdmapEditSetFlag, ['nodown', '-s', monData]);
      expect(edit.exitCode, edit.stderr).toBe(0);

      let mon = await startMon({ monData });
      running.push(mon);
      expect((await osdFlags(mon)).flags).toContain('nodown');
      const locked = await runCommand(StoreRestoreBackup, ['latest', '-s', monData]);
      expect(locked.exitCode, locked.stderr).toBe(3);
      expect(locked.stderr).toContain('STORE_LOCKED');
      await mon.stop();

      const restored = await runCommand(StoreRestoreBackup, ['latest', '-s', monData]);
      expect(restored.exitCode, restored.stderr).toBe(0);
      mon = await startMon({ monData });
      running.push(mon);
      const after = await osdFlags(mon);
      expect(after.flags).not.toContain('nodown');
      await mon.stop();
    }, 180_000);
  }
});
