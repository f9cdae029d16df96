/**
 * Every OSDMonitor command both of monctl's roads take (test/helpers/osd-command-paths.ts),
 * run by a real Ceph 16 ceph-mon (`ceph osd …`) on a fixture store, one after the other; before
 * each, monctl's offline road (the `osdmap edit` planner on the mon's store, read-only) and the
 * embedded quorum's OsdmapService decide the same command from the map the mon serves. The
 * three must agree: the same resulting map (osdmaptool --dump json fields, less what every
 * epoch restamps), nothing proposed by all three, or a refusal with the same errno (the ceph
 * CLI's exit code). Then the commands only the quorum takes (pg-upmap-items, crush add), quorum
 * against ceph alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planOsdmapEdit } from '../../src/lib/mon/index.js';
import { OSD_STATE, decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { MonStore, writeTransaction } from '../../src/lib/store/index.js';
import { cephAvailable, extractFixture, removeTempDirs, startMon, type RunningMon } from '../helpers/ceph.js';
import { COMMAND_CASES, LIVE_ONLY_CASES, offlineOutcome, outcomeKey, quorumOutcome, type Outcome } from '../helpers/osd-command-paths.js';

async function servedMap(mon: RunningMon, tag: string): Promise<Uint8Array> {
  const out = join(mon.runDir, `osdmap.${tag}`);
  const r = await mon.ceph(['osd', 'getmap', '-o', out]);
  if (r.code !== 0) throw new Error(`ceph osd getmap: ${r.stderr}\nexited: ${mon.exited}\nmon log:\n${mon.log().split('\n').slice(-40).join('\n')}`);
  return readFileSync(out);
}

/**
 * The fixture's OSDs were never booted (state NEW). A Pacific mon asserts in
 * OSDMap::check_health (num_down_in_osds <= num_in_osds) once such an OSD is marked out and in
 * again, so they first get the state of OSDs that booted once and went down: NEW cleared.
 */
async function clearNewState(data: string): Promise<void> {
  await writeTransaction({
    store: data,
    backup: false,
    plan: async (store) =>
      (
        await planOsdmapEdit(
          store,
          (map, inc) => {
            map.osdState.forEach((s, osd) => void (s & OSD_STATE.NEW && inc.newState.set(osd, OSD_STATE.NEW)));
          },
          new Date(),
        )
      ).transaction,
  });
}

describe.skipIf(!cephAvailable())('OSDMonitor commands: monctl offline, monctl quorum and a real ceph-mon agree', () => {
  let mon: RunningMon | undefined;
  afterAll(async () => {
    await mon?.stop();
    removeTempDirs();
  });

  it('rocksdb fixture: every case in order', async () => {
    const data = extractFixture('rocksdb');
    await clearNewState(data);
    mon = await startMon({ monData: data });
    const differences: string[] = [];
    let i = 0;
    for (const c of COMMAND_CASES) {
      const before = await servedMap(mon, `${i}.before`);
      const now = new Date();
      const quorum = quorumOutcome(before, c.live, now);
      const offline = (await MonStore.with(data, {}, (store) => offlineOutcome(store, c.offline, now))).outcome;
      const r = await mon.ceph(c.ceph, { timeoutMs: 90_000 });
      const after = await servedMap(mon, `${i++}.after`);
      const epochBefore = decodeOSDMap(before).epoch;
      const live: Outcome =
        r.code !== 0
          ? { kind: 'refused', errno: r.code, error: r.stderr.trim() }
          : decodeOSDMap(after).epoch === epochBefore
            ? { kind: 'unchanged' }
            : { kind: 'epoch', map: decodeOSDMap(after), incBytes: new Uint8Array(0) };
      const want = JSON.stringify(outcomeKey(live));
      console.log(`${c.name}: ceph ${live.kind}${live.kind === 'refused' ? ` ${live.errno}` : ''}; offline ${offline.kind}; quorum ${quorum.kind}`);
      for (const [road, o] of [['offline', offline], ['quorum', quorum]] as const) {
        const got = JSON.stringify(outcomeKey(o));
        if (got !== want) differences.push(`${c.name}: ${road} ${o.kind}${o.kind === 'refused' ? ` errno ${o.errno} (${o.error})` : ''}, ceph ${live.kind}${live.kind === 'refused' ? ` exit ${live.errno} (${live.error})` : ''}${o.kind === 'epoch' && live.kind === 'epoch' ? `\n  monctl ${got}\n  ceph   ${want}` : ''}`);
      }
    }
    for (const c of LIVE_ONLY_CASES) {
      const before = await servedMap(mon, `${i}.before`);
      const quorum = quorumOutcome(before, c.live, new Date());
      const r = await mon.ceph(c.ceph, { timeoutMs: 90_000 });
      const after = await servedMap(mon, `${i++}.after`);
      const live: Outcome =
        r.code !== 0
          ? { kind: 'refused', errno: r.code, error: r.stderr.trim() }
          : decodeOSDMap(after).epoch === decodeOSDMap(before).epoch
            ? { kind: 'unchanged' }
            : { kind: 'epoch', map: decodeOSDMap(after), incBytes: new Uint8Array(0) };
      const want = JSON.stringify(outcomeKey(live));
      const got = JSON.stringify(outcomeKey(quorum));
      console.log(`${c.name}: ceph ${live.kind}${live.kind === 'refused' ? ` ${live.errno}` : ''}; quorum ${quorum.kind}`);
      if (got !== want) differences.push(`${c.name}: quorum ${quorum.kind}${quorum.kind === 'refused' ? ` errno ${quorum.errno} (${quorum.error})` : ''}, ceph ${live.kind}${live.kind === 'refused' ? ` exit ${live.errno} (${live.error})` : ''}${quorum.kind === 'epoch' && live.kind === 'epoch' ? `\n  monctl ${got}\n  ceph   ${want}` : ''}`);
    }
    expect(differences, differences.join('\n')).toEqual([]);
  });
});
