/**
 * Committing a monmap edit to a stopped monitor's store the way the monitor itself commits a
 * new monmap epoch, so a real ceph-mon adopts it on start and hands it to its peers.
 *
 * What a live leader writes for a monmap change (seen in a real Pacific store's paxos
 * history, and MonmapMonitor::encode_pending): one paxos version whose transaction PUTs
 * `monmap/<epoch>` (the map encoded with the quorum's features: v9), `monmap/last_committed`
 * and `health/monmap` (the map's own health checks; empty unless stretch mode is on).
 *
 * Compared with `ceph-mon --inject-monmap`, which writes only `monmap/<epoch>`,
 * `monmap/latest` and `monmap/last_committed` outside paxos: committing a paxos version too
 * means that when this monitor meets peers that stayed behind, paxos recovery gives them the
 * new map (a leader adopts a peer's newer committed versions), instead of the edit living
 * in one store only. Start the edited monitor first; edit only with every monitor stopped.
 *
 * Two keys outside the paxos value are kept in step, because ceph-mon reads them when it
 * picks its monmap at start-up (obtain_monmap): `monmap/latest`, if an earlier
 * --inject-monmap left one, is rewritten as inject would; `mon_sync/temp_newer_monmap`, a
 * map a previous run stashed while probing, is erased: it would override the edit when its
 * epoch is newer.
 */
import { Writer, type UTime } from '../../encoding/index.js';
import { checkStillPlanned, planPaxosCommit } from '../paxos/commit.js';
import { readPaxosState } from '../paxos/versions.js';
import { TransactionBuilder, type MonStore, type Transaction } from '../../store/index.js';
import { applyMonmapEdit, diffMonMaps, type MonmapEdit } from '../../monmap/edit.js';
import { encodeMonMap, type MonMap } from '../../monmap/monmap.js';
import { MONMAP_PREFIX, readMonMap } from './store.js';

export interface MonmapEditPlan {
  before: MonMap;
  after: MonMap;
  /** The new monmap epoch (monmap/last_committed + 1). */
  epoch: number;
  /** The paxos version the edit is committed as. */
  paxosVersion: bigint;
  /** `monmaptool --print` lines, `-` removed, `+` added. */
  diff: string[];
  transaction: Transaction;
}

/** health_check_map_t with no checks: ENCODE_START(1, 1), an empty map. */
function emptyHealthChecks(): Uint8Array {
  const w = new Writer(16);
  const mark = w.envelope(1, 1);
  w.u32(0);
  w.finish(mark);
  return w.bytes();
}

export { utimeFromDate } from '../../encoding/index.js';

function encodeMap(m: MonMap): Uint8Array {
  const w = new Writer(512);
  encodeMonMap(w, m);
  return w.bytes();
}

/** The service transaction MonmapMonitor::encode_pending writes for `m`. */
export function monmapServiceTransaction(m: MonMap, opts: { rewriteLatest: boolean }): Transaction {
  const bytes = encodeMap(m);
  const tx = new TransactionBuilder().put(MONMAP_PREFIX, String(m.epoch), bytes).putVersion(MONMAP_PREFIX, 'last_committed', BigInt(m.epoch));
  if (opts.rewriteLatest) {
    // ceph-mon --inject-monmap's `latest`: u64 epoch, then the map as a length-prefixed bufferlist.
    tx.put(MONMAP_PREFIX, 'latest', new Writer(bytes.length + 12).u64(BigInt(m.epoch)).u32(bytes.length).raw(bytes).bytes());
  }
  // Pacific's MonMap::check_health only raises stretch-mode checks; without stretch mode the
  // monitor writes the empty map. With it, the checks depend on the cluster: leave the key.
  if (!m.stretchModeEnabled) tx.put('health', MONMAP_PREFIX, emptyHealthChecks());
  return tx.tx;
}

/** Plans one monmap edit on `store` as a new monmap epoch committed as a new paxos version. */
export async function planMonmapEdit(store: MonStore, edit: MonmapEdit, now: UTime, opts: { discardPending?: boolean } = {}): Promise<MonmapEditPlan> {
  const stored = await readMonMap(store);
  const before = { ...stored.map, epoch: stored.epoch };
  const after = applyMonmapEdit(before, edit, now);
  const rewriteLatest = (await store.get(MONMAP_PREFIX, 'latest')) !== undefined;
  const commit = planPaxosCommit(await readPaxosState(store), monmapServiceTransaction(after, { rewriteLatest }), opts);
  const tx = new TransactionBuilder().append(commit.transaction);
  if ((await store.get('mon_sync', 'temp_newer_monmap')) !== undefined) tx.erase('mon_sync', 'temp_newer_monmap');
  return { before, after, epoch: after.epoch, paxosVersion: commit.version, diff: diffMonMaps(before, after), transaction: tx.tx };
}

/** Under the store lock: the store must still be at the paxos version and monmap epoch the plan was built on. */
export async function stillPlannedMonmap(store: MonStore, plan: MonmapEditPlan): Promise<void> {
  await checkStillPlanned(store, plan.paxosVersion, { prefix: MONMAP_PREFIX, version: BigInt(plan.epoch) });
}
