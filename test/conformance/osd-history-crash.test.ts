/**
 * The generated-history runner's answer to a monitor that aborts on a command (a Ceph bug, e.g.
 * Pacific's `ceph_assert(arg->weight_set_positions > 0)` in
 * CrushWrapper::adjust_item_weight_in_bucket): it names the abort from the mon's log and
 * starts the monitor again on its store (test/helpers/osd-history.ts). Here the abort is a real
 * SIGABRT of a real Pacific ceph-mon, which prints what any abort prints.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers/ceph.js';
import { PACIFIC, releaseAvailable, startReleaseMon, type ReleaseMon } from '../helpers/ceph-release.js';
import { abortReason } from '../helpers/osd-history.js';

describe.skipIf(!releaseAvailable(PACIFIC))('a real pacific ceph-mon that aborts', () => {
  let mon: ReleaseMon | undefined;
  afterAll(async () => {
    await mon?.stop();
    removeTempDirs();
  });

  it('is named by its abort message and restarts on its store with every epoch it committed', async () => {
    mon = await startReleaseMon(PACIFIC, { backend: 'rocksdb' });
    const ok = async (args: string[]) => {
      const r = await mon!.ceph(args);
      expect(r.code, `ceph ${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await ok(['osd', 'create']);
    await ok(['osd', 'set', 'noup']);
    const before = JSON.parse((await mon.ceph(['osd', 'dump', '-f', 'json'])).stdout) as { epoch: number };
    expect(abortReason(mon.logTail(200_000))).toBeUndefined();

    const pid = mon.pid;
    process.kill(pid, 'SIGABRT');
    for (let i = 0; i < 100 && mon.alive(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(mon.alive()).toBe(false);
    expect(abortReason(mon.logTail(200_000))).toMatch(/Caught signal \(Aborted\)/);

    await mon.restart();
    expect(mon.pid).not.toBe(pid);
    const after = JSON.parse((await mon.ceph(['osd', 'dump', '-f', 'json'])).stdout) as { epoch: number; flags: string };
    expect(after.epoch).toBe(before.epoch);
    expect(after.flags.split(',')).toContain('noup');
    await ok(['osd', 'set', 'noout']);
  }, 120_000);
});
