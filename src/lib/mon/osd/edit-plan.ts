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
import { checkStillPlanned, planPaxosCommit, readPaxosState } from '../paxos/index.js';
import { TransactionBuilder, keyName, type MonStore, type Transaction } from '../../store/index.js';
import { applyIncremental } from '../../osdmap/apply.js';
import { diffOSDMaps, type OSDMapDiff } from '../../osdmap/diff.js';
import { decodeIncremental, emptyIncremental, encodeIncremental, type Incremental } from '../../osdmap/incremental.js';
import { encodeOSDMap } from '../../osdmap/osdmap.js';
import { osdmapEncodingFeatures } from '../../osdmap/encoding-features.js';
import { effectiveRequireOsdRelease, type OSDMap } from '../../osdmap/osdmap-types.js';
import { utimeFromDate } from '../../encoding/index.js';
import { finishPending } from './pending.js';
import { OSDMAP_PREFIX, readFullMap, readIncremental, readOsdmapRange } from './store.js';

/**
 * Fills the pending incremental from the current map; throws MonctlError when the monitor
 * would refuse. `{ unchanged }`: accepted, but the monitor would propose nothing (no epoch).
 */
export type OsdmapEdit = (map: OSDMap, inc: Incremental) => void | { unchanged: string };

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
  /** Why nothing is written: the command is accepted but proposes nothing (the transaction is empty). */
  unchanged?: string;
  /** Store keys written, in batch order. */
  keys: string[];
  transaction: Transaction;
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


/** The plan of an accepted command that proposes nothing: no epoch, an empty batch. */
function unchangedPlan(map: OSDMap, last: number, why: string): OsdmapEditPlan {
  const inc = emptyIncremental(map.fsid, last);
  return { epoch: last, paxosVersion: 0n, inc, incBytes: new Uint8Array(0), fullBytes: new Uint8Array(0), before: map, after: map, diff: diffOSDMaps(map, map), unchanged: why, keys: [], transaction: new TransactionBuilder().tx };
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
  inc.modified = utimeFromDate(now);
  inc.clientV = Math.max(inc.clientV, newest.clientV);
  inc.encodeFeatures = newest.features;
  const answer = edit(before, inc);
  if (answer !== undefined) return unchangedPlan(before, range.last, answer.unchanged);
  finishPending(before, inc);

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

/** Under the store lock: the store must still be at the paxos version and osdmap epoch the plan was built on. */
export async function stillPlanned(store: MonStore, plan: OsdmapEditPlan): Promise<void> {
  await checkStillPlanned(store, plan.paxosVersion, { prefix: OSDMAP_PREFIX, version: BigInt(plan.epoch) });
}
