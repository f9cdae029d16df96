import { afterAll, describe, expect, it } from 'vitest';
import { RELEASE } from '../../../src/lib/osdmap/index.js';
import { MonStore, TransactionBuilder, writeTransaction } from '../../../src/lib/store/index.js';
import { decodeCrushMap, encodeCrushMap } from '../../../src/lib/crush/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { markIn, type OsdmapEdit, planOsdmapEdit, readFullMap, readIncremental, rmUpmap, setCrush, setFlag, setPool } from '../../../src/lib/mon/index.js';

afterAll(() => removeTempDirs());

/** Commits `edit` as the next epoch of the store at `mon`. */
async function commit(mon: string, edit: OsdmapEdit, now = new Date()): Promise<number> {
  let epoch = 0;
  await writeTransaction({
    store: mon,
    backup: false,
    plan: async (s) => {
      const p = await planOsdmapEdit(s, edit, now);
      epoch = p.epoch;
      return p.transaction;
    },
  });
  return epoch;
}

const latest = (mon: string) => MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map);

describe('planOsdmapEdit', () => {
  it('stamps modified with the given clock and encodes with the newest incremental\'s features', async () => {
    const mon = extractFixture('rocksdb');
    const now = new Date(Date.UTC(2027, 0, 2, 3, 4, 5, 678));
    await MonStore.with(mon, {}, async (s) => {
      const plan = await planOsdmapEdit(s, setFlag('norebalance'), now);
      const newest = (await readIncremental(s, plan.epoch - 1)).inc;
      expect(plan.inc.modified).toEqual({ sec: Math.floor(now.getTime() / 1000), nsec: 678_000_000 });
      expect(plan.after.modified).toEqual(plan.inc.modified);
      expect(plan.inc.encodeFeatures).toBe(newest.encodeFeatures);
      expect(plan.inc.clientV).toBe(newest.clientV);
      expect(plan.diff.flags.added).toEqual(['norebalance']);
    });
  });

  it('mark-in gives an OSD the monitor marked out its old weight back and clears it', async () => {
    const mon = extractFixture('leveldb');
    // As OSDMonitor's auto-out leaves it: weight 0, the previous weight kept in xinfo.
    await commit(mon, (map, inc) => void inc.newXinfo.set(3, { ...structuredClone(map.osdXinfo[3]!), oldWeight: 0x8000 }));
    await commit(mon, markIn([3]));
    const map = await latest(mon);
    expect(map.osdWeight[3]).toBe(0x8000);
    expect(map.osdXinfo[3]!.oldWeight).toBe(0);
  });

  it('a changed base pool carries its snap context to its cache tiers (propagate_base_properties_to_tiers)', async () => {
    const mon = extractFixture('rocksdb');
    // Make pool 2 a tier of pool 1, with snaps on the base that the tier lacks.
    await commit(mon, (map, inc) => {
      inc.newPools.set(1, { ...structuredClone(map.pools.get(1)!), tiers: [2n], snapSeq: 7n, snapEpoch: 30 });
      inc.newPools.set(2, { ...structuredClone(map.pools.get(2)!), tierOf: 1n });
    });
    const before = await latest(mon);
    expect(before.pools.get(2)!.snapSeq).toBe(7n); // the setup epoch already propagated
    const epoch = await commit(mon, setPool('rbd', 'nodelete', 'true'));
    const after = await latest(mon);
    expect(after.pools.get(1)!.lastChange).toBe(epoch);
    expect(after.pools.get(2)!.lastChange).toBe(epoch);
    expect(after.pools.get(2)!.snapSeq).toBe(7n);
  });

  it('set-crush refuses a map the clients require_min_compat_client admits cannot read', async () => {
    const mon = extractFixture('rocksdb');
    await commit(mon, rmUpmap('1.0')); // upmaps alone need luminous clients
    await commit(mon, (_m, inc) => void (inc.newRequireMinCompatClient = RELEASE.JEWEL));
    const crush = decodeCrushMap((await latest(mon)).crushBytes);
    const host = crush.buckets.findIndex((b) => b !== null && b.type === 1);
    // A per-pool weight set: only luminous clients read those.
    crush.chooseArgs.set(1n, [{ bucketIndex: host, weightSet: [crush.buckets[host]!.items.map(() => 0x10000)], ids: [] }]);
    const edit = setCrush(encodeCrushMap(crush));
    await MonStore.with(mon, {}, async (s) => {
      await expect(planOsdmapEdit(s, edit, new Date())).rejects.toThrow(/needs clients of release luminous but require_min_compat_client is jewel/);
    });
  });

  it('refuses a store with an uncommitted paxos proposal', async () => {
    const mon = extractFixture('rocksdb');
    await writeTransaction({ store: mon, backup: false, plan: async () => new TransactionBuilder().putVersion('paxos', 'pending_v', 500n).tx });
    await MonStore.with(mon, {}, async (s) => {
      await expect(planOsdmapEdit(s, setFlag('noup'), new Date())).rejects.toThrow(/uncommitted proposal/);
    });
  });
});
