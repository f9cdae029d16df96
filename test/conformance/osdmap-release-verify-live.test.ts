/**
 * OSDMap encodings of Reef (18.2) and Tentacle (20.2) against their real ceph-mon: monctl's
 * edits on the fixture stores, then epochs the release's monitor proposes on top of them
 * (built from the full map monctl wrote), and `osdmap verify` over the whole history: every
 * epoch, the monitor's and monctl's, must rebuild byte for byte from its incremental.
 */
import { afterAll, describe, expect, it } from 'vitest';
import MarkOut from '../../src/commands/osdmap/edit/mark-out.js';
import Reweight from '../../src/commands/osdmap/edit/reweight.js';
import SetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import SetPool from '../../src/commands/osdmap/edit/set-pool.js';
import OsdmapVerify from '../../src/commands/osdmap/verify.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { availableReleases, startMon, type Release, type ReleaseMon } from '../helpers/releases.js';
import { runCommand, runOk } from '../helpers/run-command.js';

const releases = availableReleases().filter((r): r is Exclude<Release, 'pacific'> => r !== 'pacific');


describe.skipIf(releases.length === 0)('osdmap encodings of Reef and Tentacle, with their own ceph-mon', () => {
  const mons: ReleaseMon[] = [];
  afterAll(async () => {
    for (const m of mons) await m.stop();
    removeTempDirs();
  });

  for (const release of releases) {
    it(`${release}: monctl edits, then the monitor's own epochs on top; the whole history verifies`, async () => {
      const monData = extractFixture(release);
      await runOk(SetFlag, ['noup', '-s', monData, '--no-backup']);
      await runOk(SetPool, ['rbd', 'size', '2', '-s', monData, '--no-backup']);
      await runOk(MarkOut, ['1', '-s', monData, '--no-backup']);
      await runOk(Reweight, ['2', '0.5', '-s', monData, '--no-backup']);

      const mon = await startMon(release, { monData });
      mons.push(mon);
      const before = (await mon.cephJson<{ epoch: number }>(['osd', 'dump'])).epoch;
      for (const args of [
        ['osd', 'unset', 'noup'],
        ['osd', 'pool', 'set', 'rbd', 'min_size', '1'],
        ['osd', 'pool', 'create', 'late', '8', '8', 'replicated'],
        ['osd', 'pg-upmap-primary', '1.3', '0'],
        ['osd', 'in', '1'],
      ]) {
        const r = await mon.ceph(args);
        expect(r.code, `ceph ${args.join(' ')}: ${r.stderr}`).toBe(0);
      }
      const d = await mon.cephJson<{ epoch: number; flags: string; pools: Array<{ pool_name: string; min_size: number }> }>(['osd', 'dump']);
      expect(d.epoch).toBeGreaterThan(before);
      expect(d.flags.split(',')).not.toContain('noup');
      expect(d.pools.map((p) => p.pool_name)).toContain('late');
      await mon.stop();
      expect(mon.log()).not.toMatch(/crc mismatch|bad crc/i);

      const report = JSON.parse(await runOk(OsdmapVerify, ['-s', monData, '--json'])) as { ok: boolean; to: number };
      expect(report.ok).toBe(true);
      expect(report.to).toBeGreaterThanOrEqual(d.epoch);
    });
  }
});
