/**
 * A synthetic OSDMap history, shaped like a monitor's: epoch 1 is a full map (stored both as
 * `full_1` and inside incremental 1, as the monitor does for a new cluster), then each later
 * epoch is an Incremental with a few realistic changes, applied with monctl's
 * applyIncremental and encoded with a Pacific monitor's features, so `inc_crc` and `full_crc`
 * are right. The first epochs create and boot every OSD in batches; after that each epoch
 * draws from OSDs going down and coming back up with new addresses, reweights, outs and ins,
 * up_thru bumps, pg_temp and pg_upmap_items entries coming and going, pg_num changes, flag
 * toggles, client blocklisting and, now and then, a new pool. One seed replays the history.
 */
import { ADDR_TYPE, makeEntityAddr, type EntityAddrvec } from '../src/lib/msg/entity-addr.js';
import type { Prng } from '../src/lib/random.js';
import {
  OSDMAP_FLAG,
  OSD_STATE,
  RELEASE,
  addrMapKey,
  applyIncrementalShared,
  EncodeCache,
  effectiveFlags,
  emptyIncremental,
  encodeIncremental,
  encodeOSDMap,
  pgMapSet,
  type Incremental,
  type OSDMap,
} from '../src/lib/osdmap/index.js';

/** The encode features a Pacific ceph-mon wrote the fixture stores' osdmaps with. */
export const PACIFIC_MON_FEATURES = 0x0f00088010212a04n;
/** CEPH_FEATURES_ALL of Ceph 16: what a Pacific OSD reports when it boots (osd_xinfo_t features). */
const PACIFIC_OSD_FEATURES = 0x3f01cfbffffdffffn;

export interface HistoryOptions {
  /** Epochs after epoch 1 (so the history ends at epoch `epochs + 1`). */
  epochs: number;
  rng: Prng;
  fsid?: string;
  features?: bigint;
  /** Epoch 1's `created` time, in seconds; later epochs are 10 s apart. */
  startSec?: number;
  /** OSDs created and booted per epoch while the cluster comes up. */
  bootBatch?: number;
}

export interface HistoryEpoch {
  epoch: number;
  /** `osdmap/<epoch>`. */
  inc: Uint8Array;
  /** `osdmap/full_<epoch>`. */
  full: Uint8Array;
}

const DEFAULT_FSID = '5c1a0e57-3b8f-4d6e-9f21-7a4c2b9d8e10';
const IN = 0x10000;

function uuidFor(rng: Prng): string {
  const hex = Array.from({ length: 32 }, () => (rng.u32() & 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An OSD's msgr2 + msgr1 address pair on one network, with a fresh nonce (a new process). */
function osdAddrs(osd: number, net: number, port: number, nonce: number): EntityAddrvec {
  const ip = new Uint8Array([10, net, (osd >> 6) & 0xff, (osd & 63) + 10]);
  return { v: [makeEntityAddr(ADDR_TYPE.MSGR2, ip, port, nonce), makeEntityAddr(ADDR_TYPE.LEGACY, ip, port + 1, nonce)] };
}

/** Epoch 1: the base map made into a Pacific cluster's first map (no OSD exists yet). */
function firstMap(base: OSDMap, opts: Required<Omit<HistoryOptions, 'rng'>>): OSDMap {
  const m = structuredClone(base);
  m.fsid = opts.fsid;
  m.epoch = 1;
  m.created = { sec: opts.startSec, nsec: 0 };
  m.modified = { sec: opts.startSec, nsec: 0 };
  m.requireOsdRelease = RELEASE.PACIFIC;
  m.requireMinCompatClient = RELEASE.LUMINOUS;
  m.flags = OSDMAP_FLAG.SORTBITWISE | OSDMAP_FLAG.RECOVERY_DELETES | OSDMAP_FLAG.PURGED_SNAPDIRS | OSDMAP_FLAG.PGLOG_HARDLIMIT;
  m.fullRatio = 0.95;
  m.backfillfullRatio = 0.9;
  m.nearfullRatio = 0.85;
  for (let o = 0; o < m.maxOsd; o++) {
    m.osdState[o] = 0;
    m.osdWeight[o] = 0;
    m.clientAddrs[o] = { v: [] };
    m.clusterAddrs[o] = { v: [] };
    m.hbBackAddrs[o] = { v: [] };
    m.hbFrontAddrs[o] = { v: [] };
  }
  m.pgTemp.clear();
  m.primaryTemp.clear();
  m.pgUpmap.clear();
  m.pgUpmapItems.clear();
  m.blocklist.clear();
  for (const p of m.pools.values()) p.lastChange = 1;
  return m;
}

/** What one epoch changes; `m` is the map before it. */
class EpochPlanner {
  constructor(
    private readonly m: OSDMap,
    private readonly inc: Incremental,
    private readonly rng: Prng,
  ) {}

  private osdsWith(pred: (state: number, weight: number) => boolean): number[] {
    const out: number[] = [];
    for (let o = 0; o < this.m.maxOsd; o++) if (pred(this.m.osdState[o]!, this.m.osdWeight[o]!)) out.push(o);
    return out;
  }

  private touched(o: number): boolean {
    const i = this.inc;
    return i.newState.has(o) || i.newUpClient.has(o) || i.newWeight.has(o) || i.newUuid.has(o);
  }

  create(o: number): void {
    this.inc.newUuid.set(o, uuidFor(this.rng));
    this.inc.newWeight.set(o, IN);
  }

  boot(o: number): void {
    const nonce = this.rng.u32();
    const port = 6800 + 2 * this.rng.int(0, 20);
    this.inc.newUpClient.set(o, osdAddrs(o, 0, port, nonce));
    this.inc.newUpCluster.set(o, osdAddrs(o, 1, port + 50, nonce));
    this.inc.newHbBackUp.set(o, osdAddrs(o, 1, port + 100, nonce));
    this.inc.newHbFrontUp.set(o, osdAddrs(o, 0, port + 100, nonce));
    const xinfo = structuredClone(this.m.osdXinfo[o]!);
    xinfo.features = PACIFIC_OSD_FEATURES;
    xinfo.structV = 4;
    this.inc.newXinfo.set(o, xinfo);
    this.inc.newLastUpChange = this.inc.modified;
  }

  /** A few random changes of the kinds a running cluster makes. */
  random(): void {
    const rng = this.rng;
    const up = this.osdsWith((s) => (s & OSD_STATE.UP) !== 0);
    const downExisting = this.osdsWith((s) => (s & OSD_STATE.EXISTS) !== 0 && (s & OSD_STATE.UP) === 0);
    // The monitor's tick drops expired blocklist entries.
    for (const e of this.m.blocklist.values()) if (e.until.sec <= this.inc.modified.sec) this.inc.oldBlocklist.push(e.addr);
    const changes = rng.int(1, 4);
    for (let c = 0; c < changes; c++) {
      const kind = rng.int(0, 99);
      if (kind < 20 && up.length > 0) {
        const o = rng.pick(up);
        if (this.touched(o)) continue;
        this.inc.newState.set(o, OSD_STATE.UP);
        this.inc.newLastUpChange = this.inc.modified;
      } else if (kind < 40 && downExisting.length > 0) {
        const o = rng.pick(downExisting);
        if (!this.touched(o)) this.boot(o);
      } else if (kind < 50 && up.length > 0) {
        const o = rng.pick(up);
        if (!this.touched(o)) this.inc.newUpThru.set(o, this.m.epoch);
      } else if (kind < 60) {
        const o = rng.int(0, this.m.maxOsd - 1);
        if (this.touched(o) || (this.m.osdState[o]! & OSD_STATE.EXISTS) === 0) continue;
        const w = this.m.osdWeight[o]!;
        this.inc.newWeight.set(o, w === 0 ? IN : rng.chance(0.3) ? 0 : rng.int(0x8000, IN));
        this.inc.newLastInChange = this.inc.modified;
      } else if (kind < 75) this.pgTemp();
      else if (kind < 88) this.upmapItems();
      else if (kind < 93) this.pgNum();
      else if (kind < 96) this.inc.newFlags = (effectiveFlags(this.m) ^ rng.pick([OSDMAP_FLAG.NOOUT, OSDMAP_FLAG.NOSCRUB, OSDMAP_FLAG.NOREBALANCE])) >>> 0;
      else if (kind < 99) this.blocklist();
      else this.newPool();
    }
  }

  private randomPg(): { pool: number; seed: number } | undefined {
    const ids = [...this.m.pools.keys()];
    if (ids.length === 0) return undefined;
    const pool = this.rng.pick(ids);
    return { pool, seed: this.rng.int(0, this.m.pools.get(pool)!.pgNum - 1) };
  }

  private randomOsds(n: number): number[] {
    const out = new Set<number>();
    while (out.size < Math.min(n, this.m.maxOsd)) out.add(this.rng.int(0, this.m.maxOsd - 1));
    return [...out];
  }

  private pgTemp(): void {
    const existing = [...this.m.pgTemp.values()];
    if (existing.length > 0 && this.rng.chance(0.5)) {
      pgMapSet(this.inc.newPgTemp, this.rng.pick(existing).pg, []);
      return;
    }
    const pg = this.randomPg();
    if (pg) pgMapSet(this.inc.newPgTemp, pg, this.randomOsds(3));
  }

  private upmapItems(): void {
    const existing = [...this.m.pgUpmapItems.values()];
    if (existing.length > 0 && this.rng.chance(0.4)) {
      pgMapSet(this.inc.oldPgUpmapItems, this.rng.pick(existing).pg, null);
      return;
    }
    const pg = this.randomPg();
    const [from, to] = this.randomOsds(2);
    if (pg && to !== undefined) pgMapSet(this.inc.newPgUpmapItems, pg, [[from!, to]]);
  }

  private pgNum(): void {
    const ids = [...this.m.pools.keys()].filter((id) => !this.inc.newPools.has(id));
    if (ids.length === 0) return;
    const id = this.rng.pick(ids);
    const pool = structuredClone(this.m.pools.get(id)!);
    // The autoscaler moves pg_num a few PGs at a time towards its target.
    const pgNum = Math.min(pool.pgNum + 8, 1 << 16);
    pool.pgNum = pool.pgpNum = pool.pgNumTarget = pool.pgpNumTarget = pool.pgNumPending = pgNum;
    this.inc.newPools.set(id, pool);
  }

  private blocklist(): void {
    const a = makeEntityAddr(ADDR_TYPE.ANY, new Uint8Array([10, 2, this.rng.int(0, 255), this.rng.int(1, 254)]), 0, this.rng.u32());
    this.inc.newBlocklist.set(addrMapKey(a), { addr: a, until: { sec: this.inc.modified.sec + 3600, nsec: 0 } });
  }

  private newPool(): void {
    const template = [...this.m.pools.values()][0];
    if (!template) return;
    const id = this.m.poolMax + 1;
    const pool = structuredClone(template);
    pool.pgNum = pool.pgpNum = pool.pgNumTarget = pool.pgpNumTarget = pool.pgNumPending = 32;
    pool.createTime = this.inc.modified;
    this.inc.newPoolMax = BigInt(id);
    this.inc.newPools.set(id, pool);
    this.inc.newPoolNames.set(id, `pool-${id}`);
  }
}

/** Yields epoch 1 and then `epochs` more; memory holds one map at a time. */
export function* osdmapHistory(base: OSDMap, options: HistoryOptions): Generator<HistoryEpoch> {
  const opts = {
    fsid: DEFAULT_FSID,
    features: PACIFIC_MON_FEATURES,
    startSec: 1_767_225_600,
    bootBatch: 100,
    ...options,
  };
  const { rng, features } = opts;
  let m = firstMap(base, opts);
  const full1 = encodeOSDMap(m, features);
  const inc1 = emptyIncremental(opts.fsid, 1);
  inc1.encodeFeatures = features;
  inc1.fullmap = full1;
  inc1.modified = m.modified;
  inc1.fullCrc = new DataView(full1.buffer, full1.byteOffset).getUint32(full1.length - 4, true);
  yield { epoch: 1, inc: encodeIncremental(inc1, features), full: full1 };

  const cache = new EncodeCache();
  let created = 0;
  let booted = 0;
  for (let e = 2; e <= opts.epochs + 1; e++) {
    const inc = emptyIncremental(opts.fsid, e);
    inc.encodeFeatures = features;
    inc.modified = { sec: opts.startSec + 10 * (e - 1), nsec: rng.int(0, 999_999) * 1000 };
    const plan = new EpochPlanner(m, inc, rng);
    if (created < m.maxOsd) {
      for (const end = Math.min(m.maxOsd, created + opts.bootBatch); created < end; created++) plan.create(created);
    } else if (booted < m.maxOsd) {
      for (const end = Math.min(m.maxOsd, booted + opts.bootBatch); booted < end; booted++) plan.boot(booted);
    } else plan.random();
    const applied = applyIncrementalShared(m, inc, cache);
    m = applied.map;
    inc.fullCrc = m.crc;
    // applied.bytes is a view into the cache's buffer: copy it before the next epoch.
    yield { epoch: e, inc: encodeIncremental(inc, features), full: applied.bytes.slice() };
  }
}
