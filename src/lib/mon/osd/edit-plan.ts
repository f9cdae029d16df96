/**
 * Offline OSDMap edits written the way OSDMonitor writes a new epoch (encode_pending):
 *
 *  1. an Incremental for epoch e+1 with the map's fsid, `modified` = now and the change;
 *  2. the stamps encode_pending derives from the change: new_last_up_change when a state mask
 *     toggles UP, new_last_in_change when an OSD goes from in to out or back;
 *  3. full e+1 = apply(full e, inc), encoded with the features the store's newest incremental
 *     was encoded with (OSDMap::get_encoding_features depends only on require_osd_release;
 *     when an edit changes it, the new release's osdmapEncodingFeatures), and the
 *     incremental's full_crc = that map's CRC;
 *  4. one paxos version whose value is the service transaction OSDMonitor puts in it
 *     (`osdmap/full_<e+1>`, `osdmap/<e+1>`, `osdmap/last_committed`, in that order), applied in
 *     the same batch together with `osdmap/full_latest` = e+1, which a live monitor writes
 *     right after the commit (OSDMonitor::update_from_paxos, outside the paxos value).
 *
 * What the leader also does at every proposal and this does not: prime/clean pg_temp,
 * clean pg_upmaps, rescan creating PGs (`osd_pg_creating/creating`) and recompute
 * `health/osdmap`. The monitor does those itself at its next proposal.
 */
import { MonctlError } from '../../errors.js';
import { planPaxosCommit, readPaxosState } from '../paxos/index.js';
import { TransactionBuilder, keyName, type MonStore, type Transaction } from '../../store/index.js';
import { applyIncremental } from '../../osdmap/apply.js';
import { diffOSDMaps, type OSDMapDiff } from '../../osdmap/diff.js';
import { decodeIncremental, emptyIncremental, encodeIncremental, type Incremental } from '../../osdmap/incremental.js';
import { encodeOSDMap } from '../../osdmap/osdmap.js';
import { osdmapEncodingFeatures } from '../../osdmap/encoding-features.js';
import { CEPH_OSD_OUT, OSD_STATE, effectiveRequireOsdRelease, type OSDMap } from '../../osdmap/osdmap-types.js';
import { OSDMAP_PREFIX, readFullMap, readIncremental, readOsdmapRange } from './store.js';

/** Fills the pending incremental from the current map; throws MonctlError on bad or no-op input. */
export type OsdmapEdit = (map: OSDMap, inc: Incremental) => void;

export interface OsdmapEditPlan {
  /** The epoch the edit creates (osdmap/last_committed + 1). */
  epoch: number;
  /** The paxos version that carries it. */
  paxosVersion: bigint;
  inc: Incremental;
  incBytes: Uint8Array;
  fullBytes: Uint8Array;
  before: OSDMap;
  after: OSDMap;
  diff: OSDMapDiff;
  /** Store keys written, in batch order. */
  keys: string[];
  transaction: Transaction;
}

/** A Date as utime_t (seconds, nanoseconds; a JS clock has millisecond resolution). */
function utimeOf(now: Date): { sec: number; nsec: number } {
  const ms = now.getTime();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1_000_000 };
}

/** The stamps OSDMonitor::encode_pending sets from the pending change. */
function stampChanges(map: OSDMap, inc: Incremental): void {
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
function propagateToTiers(map: OSDMap, inc: Incremental): void {
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

/** True when the maps differ only in what every new epoch changes (epoch and stamps). */
function sameContent(before: OSDMap, after: OSDMap, features: bigint): boolean {
  const { epoch, modified, lastUpChange, lastInChange } = before;
  const restamped = encodeOSDMap({ ...after, epoch, modified, lastUpChange, lastInChange }, features);
  return Buffer.compare(Buffer.from(restamped), Buffer.from(encodeOSDMap(before, features))) === 0;
}

/**
 * What the monitor encodes the next epoch with (OSDMonitor::encode_pending: the new map's
 * get_encoding_features, also written into the Incremental). They follow from
 * require_osd_release (osdmapEncodingFeatures); while an edit leaves it as it is, the store's
 * newest Incremental carries exactly what its monitor uses for that release (an 18.2.0/18.2.1
 * monitor's differ from the computed ones), and its client-section version (those monitors
 * write v9 whatever the features), so both are taken from it.
 */
async function newestEncoding(store: MonStore, epoch: number): Promise<{ features: bigint; clientV: number }> {
  const { inc, key } = await readIncremental(store, epoch);
  if (inc.encodeFeatures === 0n) {
    throw new MonctlError('DECODE_INVALID', `the incremental of epoch ${epoch} records no encode features`, {
      key,
      actions: ['This store was written by a release monctl does not edit; use the Ceph tools of that release.'],
    });
  }
  return { features: inc.encodeFeatures, clientV: inc.clientV };
}

/** The error for an edit that would not change the map (no epoch is written for it). */
export function nothingToChange(what: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', `nothing to change: ${what}`, {
    actions: ['Check the current map with `monctl osdmap print`; no epoch was written.'],
  });
}

/**
 * Builds the new epoch and the one batch that commits it. Reads only: the caller applies
 * `transaction` (writeTransaction does it under the store lock, after a backup).
 */
export async function planOsdmapEdit(store: MonStore, edit: OsdmapEdit, now: Date): Promise<OsdmapEditPlan> {
  const range = await readOsdmapRange(store);
  if (range.last === 0) {
    throw new MonctlError('KEY_NOT_FOUND', 'the store has no OSDMap to edit', {
      key: keyName(OSDMAP_PREFIX, 'last_committed'),
      actions: ['Point --store at a monitor data dir (`monctl store versions` lists its services).'],
    });
  }
  const { map: before } = await readFullMap(store, range.last);
  const newest = await newestEncoding(store, range.last);
  const epoch = range.last + 1;

  const inc = emptyIncremental(before.fsid, epoch);
  inc.modified = utimeOf(now);
  inc.clientV = Math.max(inc.clientV, newest.clientV);
  inc.encodeFeatures = newest.features;
  edit(before, inc);
  stampChanges(before, inc);
  propagateToTiers(before, inc);

  let after = applyIncremental(before, inc);
  const release = effectiveRequireOsdRelease(after);
  if (release !== effectiveRequireOsdRelease(before)) {
    // The new epoch changes require_osd_release: its features are the new release's.
    inc.encodeFeatures = osdmapEncodingFeatures(release);
    after = applyIncremental(before, inc);
  }
  const features = inc.encodeFeatures;
  const fullBytes = encodeOSDMap(after, features);
  inc.fullCrc = after.crc;
  const incBytes = encodeIncremental(inc, features);
  // What a peer does with it: decode, apply, re-encode; the bytes must come back the same.
  const replayed = encodeOSDMap(applyIncremental(before, decodeIncremental(incBytes)), features);
  if (Buffer.compare(Buffer.from(replayed), Buffer.from(fullBytes)) !== 0) {
    throw new Error(`osdmap edit: epoch ${epoch} does not replay from its own incremental`);
  }
  if (sameContent(before, after, features)) throw nothingToChange(`epoch ${epoch} would equal epoch ${range.last}`);
  const diff = diffOSDMaps(before, after);

  const service = new TransactionBuilder()
    .put(OSDMAP_PREFIX, `full_${epoch}`, fullBytes)
    .put(OSDMAP_PREFIX, String(epoch), incBytes)
    .putVersion(OSDMAP_PREFIX, 'last_committed', BigInt(epoch)).tx;
  const commit = planPaxosCommit(await readPaxosState(store), service);
  const transaction = new TransactionBuilder().append(commit.transaction).putVersion(OSDMAP_PREFIX, 'full_latest', BigInt(epoch)).tx;
  return {
    epoch,
    paxosVersion: commit.version,
    inc,
    incBytes,
    fullBytes,
    before,
    after,
    diff,
    keys: transaction.ops.map((op) => keyName(op.prefix, op.key)),
    transaction,
  };
}
