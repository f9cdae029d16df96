/**
 * What OSDMonitor::encode_pending adds to every pending Incremental from the change it holds,
 * whichever road the change came by (an offline edit or the embedded quorum's commands).
 */
import { MonctlError } from '../../errors.js';
import { keyName } from '../../store/index.js';
import { CEPH_OSD_OUT, OSD_STATE, type Incremental, type OSDMap } from '../../osdmap/index.js';
import { OSDMAP_PREFIX } from './store.js';

/** The stamps OSDMonitor::encode_pending sets from the pending change. */
export function stampChanges(map: OSDMap, inc: Incremental): void {
  for (const [osd, mask] of inc.newState) {
    if (mask === 0) inc.newState.delete(osd); // a 0 mask means "toggle UP": never what an edit wants
    else if (mask & OSD_STATE.UP) inc.newLastUpChange = { ...inc.modified };
  }
  if (inc.newUpClient.size > 0) inc.newLastUpChange = { ...inc.modified };
  for (const [osd, weight] of inc.newWeight) {
    const wasIn = osd < map.maxOsd && (map.osdWeight[osd] ?? CEPH_OSD_OUT) !== CEPH_OSD_OUT;
    if (osd >= map.maxOsd ? weight !== 0 : (weight !== 0) !== wasIn) {
      inc.newLastInChange = { ...inc.modified };
      break;
    }
  }
}

/**
 * OSDMap::Incremental::propagate_base_properties_to_tiers: a base pool written in new_pools
 * carries its snap context to each of its cache tiers in the same epoch.
 */
export function propagateToTiers(map: OSDMap, inc: Incremental): void {
  for (const [, base] of [...inc.newPools]) {
    for (const tierId of base.tiers) {
      const id = Number(tierId);
      const tier = inc.newPools.get(id) ?? map.pools.get(id);
      if (tier === undefined) {
        throw new MonctlError('DECODE_INVALID', `pool tier ${id} of a changed pool is not in the map`, {
          key: keyName(OSDMAP_PREFIX, `full_${map.epoch}`),
          actions: ['The map is inconsistent: verify it with `monctl osdmap verify`.'],
        });
      }
      inc.newPools.set(id, {
        ...structuredClone(tier),
        snapSeq: base.snapSeq,
        snapEpoch: base.snapEpoch,
        snaps: structuredClone(base.snaps),
        removedSnaps: structuredClone(base.removedSnaps),
      });
    }
  }
}

/**
 * encode_pending's own additions, in its order: the up/in stamps, then the tiers' snap
 * contexts. True when it changed the incremental (a projection made before is then stale).
 */
export function finishPending(map: OSDMap, inc: Incremental): boolean {
  const before = { up: inc.newLastUpChange, in: inc.newLastInChange, states: inc.newState.size, pools: [...inc.newPools.values()] };
  stampChanges(map, inc);
  propagateToTiers(map, inc);
  const same = (a: { sec: number; nsec: number }, b: { sec: number; nsec: number }): boolean => a.sec === b.sec && a.nsec === b.nsec;
  const pools = [...inc.newPools.values()];
  return (
    !same(before.up, inc.newLastUpChange) ||
    !same(before.in, inc.newLastInChange) ||
    before.states !== inc.newState.size ||
    pools.length !== before.pools.length ||
    pools.some((p, i) => p !== before.pools[i])
  );
}
