/**
 * The PaxosService layer for the two services the mini-quorum runs. Each keeps its committed
 * map (reloaded from the store after every commit, as update_from_paxos does) and writes its
 * pending change into the one transaction that becomes the next paxos value (encode_pending).
 *
 * OSDMonitor's layout per epoch e: `osdmap/full_<e>` (the full map, encoded with the quorum
 * features; its CRC is the incremental's full_crc), `osdmap/<e>` (the Incremental with
 * inc_crc/full_crc), `osdmap/last_committed`, and `first_committed` on the first proposal
 * (PaxosService::put_last_committed). `full_latest` is written by each monitor when it applies
 * the committed value (OSDMonitor::update_from_paxos), not carried in the value.
 */
import type { UTime } from '../encoding/index.js';
import { Writer } from '../encoding/index.js';
import { encodeMonMap, type MonMap } from '../monmap/index.js';
import {
  applyIncrementalUnencoded,
  decodeOSDMap,
  encodeApplied,
  EncodeCache,
  emptyIncremental,
  encodeIncremental,
  encodeOSDMap,
  osdmapEncodingFeatures,
  type Incremental,
  type OSDMap,
} from '../osdmap/index.js';
import { TransactionBuilder } from '../store/transaction.js';
import type { Mutation } from './api.js';
import { initialMonMap, initialOSDMap } from './initial-maps.js';
import { getVersion, kvKey, type Kv } from './kv.js';
import { applyEdit, decide, type Prepared } from '../mon/osd/command.js';
import { finishPending } from '../mon/osd/pending.js';
import { MONMAP_PREFIX, OSDMAP_PREFIX, decodeStoredMonMap } from '../mon/index.js';

/** The new_state a command reads when nothing is pending yet. */
const NO_PENDING_STATES: ReadonlyMap<number, number> = new Map();

/** put_last_committed: first_committed too on the service's first version. */
function putLastCommitted(tx: TransactionBuilder, kv: Kv, service: string, v: bigint): void {
  tx.putVersion(service, 'last_committed', v);
  if ((getVersion(kv, service, 'first_committed') ?? 0n) === 0n) tx.putVersion(service, 'first_committed', v);
}

export class OsdmapService {
  /** The committed epoch (0 before epoch 1 commits). */
  epoch = 0;
  /** Decoded on first use: only a leader preparing commands reads the map. */
  private decoded: OSDMap | undefined;
  private pending: Incremental | undefined;
  /**
   * The committed map with the pending incremental applied: what commands read. It shares
   * what did not change with the committed map (neither is modified once built), so projecting
   * one more command costs what the incremental touched; only the proposal encodes it.
   */
  private projected: OSDMap | undefined;
  /** The last map this leader proposed, adopted as the committed map if those very bytes commit. */
  private proposed: { epoch: number; map: OSDMap; bytes: Uint8Array } | undefined;
  /** Encoded parts carried from one projected map to the next (most commands touch one OSD). */
  private readonly encodeCache = new EncodeCache();
  /**
   * What this quorum encodes maps and incrementals with: OSDMap::get_encoding_features of its
   * require_osd_release (the cluster's release; no command here changes it).
   */
  private readonly features: bigint;

  constructor(
    private readonly kv: Kv,
    private readonly release: number,
  ) {
    this.features = osdmapEncodingFeatures(release);
    this.refresh();
  }

  /** The committed map (undefined before epoch 1 commits). */
  get map(): OSDMap | undefined {
    if (this.decoded === undefined && this.epoch > 0) {
      const full = this.kv.get(kvKey(OSDMAP_PREFIX, `full_${this.epoch}`));
      if (full !== undefined) this.decoded = decodeOSDMap(full);
    }
    return this.decoded;
  }

  /**
   * update_from_paxos: note the latest epoch. Commands prepared on top of this leader's
   * proposal stay pending when that very map is what committed; anything else drops them.
   */
  refresh(): void {
    const last = Number(getVersion(this.kv, OSDMAP_PREFIX, 'last_committed') ?? 0n);
    if (last === this.epoch) return;
    this.decoded = this.adoptProposed(last);
    this.epoch = last;
    if (this.decoded === undefined || this.pending?.epoch !== last + 1) {
      this.pending = undefined;
      this.projected = undefined;
    }
  }

  /** Out of the quorum (or its store replaced): nothing pending or proposed survives. */
  dropPending(): void {
    this.pending = undefined;
    this.projected = undefined;
    this.proposed = undefined;
  }

  /** The map this leader proposed for `epoch`, when the committed full map is byte for byte its encoding. */
  private adoptProposed(epoch: number): OSDMap | undefined {
    const p = this.proposed;
    this.proposed = undefined;
    if (p === undefined || p.epoch !== epoch) return undefined;
    const full = this.kv.get(kvKey(OSDMAP_PREFIX, `full_${epoch}`));
    return full !== undefined && Buffer.compare(full, p.bytes) === 0 ? p.map : undefined;
  }

  /** A proposal of this leader that changes the osdmap is in flight: new commands can build on it. */
  get proposalInFlight(): boolean {
    return this.proposed !== undefined;
  }

  /** What new commands build on: the map this leader has in flight, else the committed one. */
  private get base(): OSDMap | undefined {
    return this.proposed?.map ?? this.map;
  }

  hasPending(): boolean {
    return this.pending !== undefined;
  }

  private newPending(): Incremental {
    const base = this.base!;
    const inc = emptyIncremental(base.fsid, base.epoch + 1);
    inc.encodeFeatures = this.features;
    return inc;
  }

  /** create_initial: epoch 1 carries the whole first map in `fullmap`. */
  createInitial(fsid: string, now: UTime): void {
    const inc = emptyIncremental(fsid, 1);
    inc.encodeFeatures = this.features;
    inc.modified = { ...now };
    inc.fullmap = encodeOSDMap(initialOSDMap(fsid, now, this.release), this.features);
    this.pending = inc;
  }

  /**
   * prepare_command: edits the pending incremental in place, or refuses and leaves it as it was.
   * The command decides before anything is written (mon/osd/command.ts hands back an edit); the
   * edit is undone should projecting the edited incremental throw, so no half-made change stays.
   */
  prepare(q: Mutation, now: UTime): Prepared {
    const map = this.base;
    if (map === undefined) return { ok: false, error: 'the osdmap is not created yet' };
    const d = decide(q, this.projected ?? map, this.pending?.newState ?? NO_PENDING_STATES, now);
    if (!d.ok || !d.changed) return d;
    const { edit, ...answer } = d;
    const inc = this.pending ?? this.newPending();
    const undo = applyEdit(inc, { ...edit, modified: { ...now } });
    try {
      this.projected = applyIncrementalUnencoded(map, inc);
    } catch (e) {
      // An accepted change the map cannot take after all (a CRUSH map with an empty bucket
      // name encodes but does not decode): the pending incremental must not keep it.
      undo();
      throw e;
    }
    this.pending = inc;
    return answer;
  }

  /** The pending incremental, to look at (tests); undefined when nothing is pending. */
  get pendingIncremental(): Readonly<Incremental> | undefined {
    return this.pending;
  }

  /** encode_pending: the epoch written, with the full map's CRC stored as the incremental's full_crc. */
  encodePending(tx: TransactionBuilder): number {
    const inc = this.pending!;
    // The projected map is this very incremental applied (its modified stamp included); the
    // incremental's features encode it as this quorum's features do. The cache's buffer is
    // reused by the next encoding, hence the copy.
    // encode_pending's own additions (the up/in stamps, the tiers' snap contexts), as offline.
    const restamped = inc.epoch !== 1 && finishPending(this.base!, inc);
    const full = inc.epoch === 1 ? decodeOSDMap(inc.fullmap) : restamped || !this.projected ? applyIncrementalUnencoded(this.base!, inc) : this.projected;
    const fullBytes = inc.epoch === 1 ? encodeOSDMap(full, this.features) : encodeApplied(full, inc, this.encodeCache).slice();
    // The proposal is in flight: the next commands build a new pending on top of it.
    this.proposed = { epoch: inc.epoch, map: full, bytes: fullBytes };
    this.pending = undefined;
    this.projected = undefined;
    inc.fullCrc = full.crc;
    tx.put(OSDMAP_PREFIX, `full_${inc.epoch}`, fullBytes);
    tx.put(OSDMAP_PREFIX, String(inc.epoch), encodeIncremental(inc, this.features));
    putLastCommitted(tx, this.kv, OSDMAP_PREFIX, BigInt(inc.epoch));
    return inc.epoch;
  }

  /**
   * PaxosService::maybe_trim for the osdmap: keep `keep` epochs, trimming once `trimMin`
   * more have piled up; OSDMonitor::encode_trim_extra re-puts the new first full map.
   */
  encodeTrim(tx: TransactionBuilder, keep: number, trimMin: number): boolean {
    const first = Number(getVersion(this.kv, OSDMAP_PREFIX, 'first_committed') ?? 0n);
    const last = this.epoch;
    const trimTo = last - keep;
    if (first === 0 || trimTo < first + trimMin) return false;
    const fullFirst = this.kv.get(kvKey(OSDMAP_PREFIX, `full_${trimTo}`));
    if (fullFirst !== undefined) tx.put(OSDMAP_PREFIX, `full_${trimTo}`, fullFirst);
    for (let v = first; v < trimTo; v++) {
      tx.erase(OSDMAP_PREFIX, String(v));
      if (this.kv.has(kvKey(OSDMAP_PREFIX, `full_${v}`))) tx.erase(OSDMAP_PREFIX, `full_${v}`);
    }
    tx.putVersion(OSDMAP_PREFIX, 'first_committed', BigInt(trimTo));
    tx.compactRange(OSDMAP_PREFIX, String(first - 1), String(trimTo));
    tx.compactRange(OSDMAP_PREFIX, `full_${first - 1}`, `full_${trimTo}`);
    return true;
  }

  /** What update_from_paxos writes locally after a commit moved last_committed. */
  localWrites(tx: TransactionBuilder): void {
    const last = getVersion(this.kv, OSDMAP_PREFIX, 'last_committed');
    if (last !== undefined && last !== getVersion(this.kv, OSDMAP_PREFIX, 'full_latest')) tx.putVersion(OSDMAP_PREFIX, 'full_latest', last);
  }
}

export class MonmapService {
  map: MonMap | undefined;

  constructor(private readonly kv: Kv) {
    this.refresh();
  }

  get epoch(): number {
    return Number(getVersion(this.kv, MONMAP_PREFIX, 'last_committed') ?? 0n);
  }

  /** Decodes the map again only when the epoch moved (every commit calls this). */
  refresh(): void {
    const e = this.epoch;
    if (this.map !== undefined && this.map.epoch === e) return;
    const bytes = e > 0 ? this.kv.get(kvKey(MONMAP_PREFIX, String(e))) : undefined;
    this.map = bytes === undefined ? undefined : decodeStoredMonMap(bytes, `monmap/${e}`);
  }

  /** MonmapMonitor::encode_pending for the mkfs map of `release`: `monmap/1`, last/first_committed. */
  encodeInitial(tx: TransactionBuilder, fsid: string, names: string[], addrs: string[], now: UTime, release: number): void {
    const m = initialMonMap(fsid, names, addrs, now, release);
    const w = new Writer(256);
    encodeMonMap(w, m);
    tx.put(MONMAP_PREFIX, String(m.epoch), w.bytes());
    putLastCommitted(tx, this.kv, MONMAP_PREFIX, BigInt(m.epoch));
  }
}
