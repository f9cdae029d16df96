/**
 * OSDMap::apply_incremental (Ceph src/osd/OSDMap.cc): the full map of epoch e+1 from the full map of
 * epoch e and the Incremental of epoch e+1. The input map is not modified.
 *
 * The base map is taken as Ceph holds it after decoding (flags adjusted for the release).
 * applyIncrementalShared copies on write: the result shares every vector, map and entry the
 * incremental leaves alone with the input, so a long replay (osdmap verify) copies only what
 * changes; applyIncremental deep-copies first, for callers that edit the result.
 * The result carries the section versions, and the CRC, of its encoding with the
 * incremental's encode features, so `encodeOSDMap(result, inc.encodeFeatures)` is what the
 * monitor stored and its CRC is the incremental's `full_crc`.
 */
import { reencodeCrushMap } from '../crush/index.js';
import { MonctlError } from '../errors.js';
import type { EntityAddrvec } from '../msg/entity-addr.js';
import type { OsdInfo, OsdXinfo } from './osd-info.js';
import type { Incremental } from './incremental-types.js';
import { emptyOsdInfo, emptyOsdXinfo } from './osd-info.js';
import { clientVersionFor } from './osdmap-client.js';
import { addrMapKey, pgKey, type AddrMap, type PgMap } from './osdmap-codec.js';
import { osdVersionFor } from './osdmap-osd.js';
import type { EncodeCache } from './encode-cache.js';
import { crcField, decodeOSDMap, encodeOSDMap } from './osdmap.js';
import {
  CEPH_OSD_OUT,
  DEFAULT_PRIMARY_AFFINITY,
  LEGACY_REQUIRE_FLAGS,
  OSDMAP_FLAG,
  OSD_STATE,
  RELEASE,
  effectiveFlags,
  effectiveRequireOsdRelease,
  type OSDMap,
} from './osdmap-types.js';
import type { SnapInterval } from './pool.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const emptyAddrvec = (): EntityAddrvec => ({ v: [] });

function badIncremental(message: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', message, {
    actions: ['Apply the incremental of the next epoch to the full map of the epoch before it.'],
  });
}

// ---- interval sets (interval_set<snapid_t>) --------------------------------------------------

/** Sorted, merged intervals (adjacent ones joined, as Ceph's interval_set keeps them). */
function normalize(list: SnapInterval[]): SnapInterval[] {
  const sorted = list.filter((i) => i.len > 0n).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: SnapInterval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.start + last.len) {
      const end = i.start + i.len > last.start + last.len ? i.start + i.len : last.start + last.len;
      last.len = end - last.start;
    } else out.push({ start: i.start, len: i.len });
  }
  return out;
}

export function intervalUnion(a: SnapInterval[], b: SnapInterval[]): SnapInterval[] {
  return normalize([...a, ...b]);
}

export function intervalSubtract(a: SnapInterval[], b: SnapInterval[]): SnapInterval[] {
  let out = normalize(a);
  for (const cut of normalize(b)) {
    const cutEnd = cut.start + cut.len;
    const next: SnapInterval[] = [];
    for (const i of out) {
      const end = i.start + i.len;
      if (end <= cut.start || i.start >= cutEnd) next.push(i);
      else {
        if (i.start < cut.start) next.push({ start: i.start, len: cut.start - i.start });
        if (end > cutEnd) next.push({ start: cutEnd, len: end - cutEnd });
      }
    }
    out = next;
  }
  return out;
}

// ---- per-OSD helpers ---------------------------------------------------------------------------

/** OSDMap::set_max_osd: new slots are out, stateless and blank (the vectors are resized in place). */
export function setMaxOsd(m: OSDMap, n: number): void {
  const resize = <T>(v: T[], fill: () => T): T[] => {
    if (v.length > n) v.length = n;
    while (v.length < n) v.push(fill());
    return v;
  };
  m.maxOsd = n;
  resize(m.osdState, () => 0);
  resize(m.osdWeight, () => CEPH_OSD_OUT);
  resize(m.osdInfo, emptyOsdInfo);
  resize(m.osdXinfo, () => emptyOsdXinfo());
  resize(m.clientAddrs, emptyAddrvec);
  resize(m.clusterAddrs, emptyAddrvec);
  resize(m.hbBackAddrs, emptyAddrvec);
  resize(m.hbFrontAddrs, emptyAddrvec);
  resize(m.osdUuid, () => ZERO_UUID);
  if (m.osdPrimaryAffinity) resize(m.osdPrimaryAffinity, () => DEFAULT_PRIMARY_AFFINITY);
}

// ---- copy on write -----------------------------------------------------------------------------

type Owned = Set<keyof OSDMap>;
type ArrayField = { [K in keyof OSDMap]-?: NonNullable<OSDMap[K]> extends unknown[] ? K : never }[keyof OSDMap];
type MapField = { [K in keyof OSDMap]-?: OSDMap[K] extends Map<unknown, unknown> ? K : never }[keyof OSDMap];

/** The map being built: a shallow copy of the base whose containers are copied on first write. */
class Cow {
  private readonly owned: Owned = new Set();
  constructor(readonly m: OSDMap) {}

  vec<K extends ArrayField>(k: K): OSDMap[K] {
    if (!this.owned.has(k)) {
      this.owned.add(k);
      (this.m[k] as unknown[]) = (this.m[k] as unknown[]).slice();
    }
    return this.m[k];
  }

  map<K extends MapField>(k: K): OSDMap[K] {
    if (!this.owned.has(k)) {
      this.owned.add(k);
      (this.m[k] as Map<unknown, unknown>) = new Map(this.m[k] as Map<unknown, unknown>);
    }
    return this.m[k];
  }

  /** osd_info of one OSD, copied before it is changed. */
  info(o: number): OsdInfo {
    const v = this.vec('osdInfo');
    return (v[o] = { ...v[o]! });
  }

  xinfo(o: number): OsdXinfo {
    const v = this.vec('osdXinfo');
    return (v[o] = { ...v[o]! });
  }

  affinity(): number[] {
    if (!this.m.osdPrimaryAffinity) {
      this.owned.add('osdPrimaryAffinity');
      this.m.osdPrimaryAffinity = new Array<number>(this.m.maxOsd).fill(DEFAULT_PRIMARY_AFFINITY);
    }
    return this.vec('osdPrimaryAffinity')!;
  }

  /** set_max_osd on vectors of this map's own. */
  setMaxOsd(n: number): void {
    for (const k of PER_OSD_VECTORS) if (this.m[k]) this.vec(k);
    setMaxOsd(this.m, n);
  }
}

const PER_OSD_VECTORS: ArrayField[] = [
  'osdState',
  'osdWeight',
  'osdInfo',
  'osdXinfo',
  'clientAddrs',
  'clusterAddrs',
  'hbBackAddrs',
  'hbFrontAddrs',
  'osdUuid',
  'osdPrimaryAffinity',
];

function osd(m: OSDMap, id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id >= m.maxOsd) {
    throw badIncremental(`the incremental's ${what} names osd.${id}, outside max_osd ${m.maxOsd}`);
  }
  return id;
}

// ---- the steps of apply_incremental ------------------------------------------------------------

function applyScalars(c: Cow, inc: Incremental): void {
  const m = c.m;
  if (inc.newFlags >= 0) {
    m.flags = inc.newFlags >>> 0;
    // A newly upgraded monitor may set the legacy require flags before the release field.
    if (m.flags & OSDMAP_FLAG.REQUIRE_KRAKEN) m.requireOsdRelease = Math.max(m.requireOsdRelease, RELEASE.KRAKEN);
    else if (m.flags & OSDMAP_FLAG.REQUIRE_JEWEL) m.requireOsdRelease = Math.max(m.requireOsdRelease, RELEASE.JEWEL);
  }
  if (inc.newMaxOsd >= 0) c.setMaxOsd(inc.newMaxOsd);
  if (inc.newPoolMax !== -1n) m.poolMax = Number(BigInt.asIntN(32, inc.newPoolMax));
}

function applyPools(c: Cow, inc: Incremental): void {
  const m = c.m;
  for (const [id, pool] of inc.newPools) c.map('pools').set(id, { ...structuredClone(pool), lastChange: m.epoch });
  m.newRemovedSnaps = structuredClone(inc.newRemovedSnaps);
  m.newPurgedSnaps = structuredClone(inc.newPurgedSnaps);
  for (const [pool, snaps] of m.newRemovedSnaps) {
    c.map('removedSnapsQueue').set(pool, intervalUnion(m.removedSnapsQueue.get(pool) ?? [], snaps));
  }
  for (const [pool, snaps] of m.newPurgedSnaps) {
    const left = intervalSubtract(m.removedSnapsQueue.get(pool) ?? [], snaps);
    if (left.length === 0) c.map('removedSnapsQueue').delete(pool);
    else c.map('removedSnapsQueue').set(pool, left);
  }
  if (inc.newLastUpChange.sec !== 0 || inc.newLastUpChange.nsec !== 0) m.lastUpChange = { ...inc.newLastUpChange };
  if (inc.newLastInChange.sec !== 0 || inc.newLastInChange.nsec !== 0) m.lastInChange = { ...inc.newLastInChange };
  for (const [id, name] of inc.newPoolNames) c.map('poolName').set(id, name);
  for (const id of inc.oldPools) {
    c.map('pools').delete(id);
    c.map('poolName').delete(id);
  }
}

function applyWeightsAndProfiles(c: Cow, inc: Incremental): void {
  const m = c.m;
  for (const [id, w] of inc.newWeight) {
    const o = osd(m, id, 'new_weight');
    c.vec('osdWeight')[o] = w >>> 0;
    if (w !== 0) {
      // set_weight marks the OSD as existing; marking in clears AUTOOUT and NEW.
      c.vec('osdState')[o] = (m.osdState[o]! | OSD_STATE.EXISTS) & ~(OSD_STATE.AUTOOUT | OSD_STATE.NEW);
      if (m.osdXinfo[o]!.oldWeight !== 0) c.xinfo(o).oldWeight = 0;
    }
  }
  for (const [id, a] of inc.newPrimaryAffinity) c.affinity()[osd(m, id, 'new_primary_affinity')] = a >>> 0;
  for (const name of inc.oldErasureCodeProfiles) c.map('erasureCodeProfiles').delete(name);
  for (const [name, profile] of inc.newErasureCodeProfiles) c.map('erasureCodeProfiles').set(name, new Map(profile));
}

/** The OSD is destroyed: everything about it is reset. */
function destroyOsd(c: Cow, o: number): void {
  c.vec('osdUuid')[o] = ZERO_UUID;
  c.vec('osdInfo')[o] = emptyOsdInfo();
  c.vec('osdXinfo')[o] = emptyOsdXinfo();
  c.affinity()[o] = DEFAULT_PRIMARY_AFFINITY;
  c.vec('clientAddrs')[o] = emptyAddrvec();
  c.vec('clusterAddrs')[o] = emptyAddrvec();
  c.vec('hbFrontAddrs')[o] = emptyAddrvec();
  c.vec('hbBackAddrs')[o] = emptyAddrvec();
  c.vec('osdState')[o] = 0;
}

function applyStates(c: Cow, inc: Incremental): void {
  const m = c.m;
  for (const [id, mask] of inc.newState) {
    const o = osd(m, id, 'new_state');
    const s = mask === 0 ? OSD_STATE.UP : mask; // 0 is the legacy "toggle up"
    const cur = m.osdState[o]!;
    if (cur & OSD_STATE.UP && s & OSD_STATE.UP) {
      c.info(o).downAt = m.epoch;
      c.xinfo(o).downStamp = { ...m.modified };
    }
    if (cur & OSD_STATE.EXISTS && s & OSD_STATE.EXISTS) destroyOsd(c, o);
    else c.vec('osdState')[o] = (cur ^ s) >>> 0;
  }
  for (const [id, addrs] of inc.newUpClient) {
    const o = osd(m, id, 'new_up_client');
    c.vec('osdState')[o] = ((m.osdState[o]! | OSD_STATE.EXISTS | OSD_STATE.UP) & ~OSD_STATE.STOP) >>> 0;
    c.vec('clientAddrs')[o] = structuredClone(addrs);
    c.vec('hbBackAddrs')[o] = structuredClone(inc.newHbBackUp.get(id) ?? emptyAddrvec());
    c.vec('hbFrontAddrs')[o] = structuredClone(inc.newHbFrontUp.get(id) ?? emptyAddrvec());
    c.info(o).upFrom = m.epoch;
  }
  for (const [id, addrs] of inc.newUpCluster) c.vec('clusterAddrs')[osd(m, id, 'new_up_cluster')] = structuredClone(addrs);
}

function applyInfo(c: Cow, inc: Incremental): void {
  const m = c.m;
  for (const [id, e] of inc.newUpThru) c.info(osd(m, id, 'new_up_thru')).upThru = e;
  for (const [id, [begin, end]] of inc.newLastCleanInterval) {
    const info = c.info(osd(m, id, 'new_last_clean_interval'));
    info.lastCleanBegin = begin;
    info.lastCleanEnd = end;
  }
  for (const [id, e] of inc.newLost) c.info(osd(m, id, 'new_lost')).lostAt = e;
  for (const [id, x] of inc.newXinfo) c.vec('osdXinfo')[osd(m, id, 'new_xinfo')] = structuredClone(x);
  for (const [id, u] of inc.newUuid) c.vec('osdUuid')[osd(m, id, 'new_uuid')] = u;
}

type PgMapField = 'pgTemp' | 'primaryTemp' | 'pgUpmap' | 'pgUpmapItems' | 'pgUpmapPrimaries';

function setOrErase<K extends PgMapField, V>(c: Cow, k: K, changes: PgMap<V>, erase: (v: V) => boolean, removed?: PgMap<null>): void {
  if (changes.size === 0 && (removed === undefined || removed.size === 0)) return;
  const target = c.map(k) as PgMap<V>;
  for (const [key, e] of changes) {
    if (erase(e.value)) target.delete(key);
    else target.set(key, structuredClone(e));
  }
  for (const e of removed?.values() ?? []) target.delete(pgKey(e.pg));
}

function applyPgOverrides(c: Cow, inc: Incremental): void {
  setOrErase(c, 'pgTemp', inc.newPgTemp, (osds) => osds.length === 0);
  setOrErase(c, 'primaryTemp', inc.newPrimaryTemp, (o) => o === -1);
  setOrErase(c, 'pgUpmap', inc.newPgUpmap, () => false, inc.oldPgUpmap);
  setOrErase(c, 'pgUpmapItems', inc.newPgUpmapItems, () => false, inc.oldPgUpmapItems);
  setOrErase(c, 'pgUpmapPrimaries', inc.newPgUpmapPrimary, () => false, inc.oldPgUpmapPrimary);
}

/** std::map::insert: an entry already present keeps its old expiry. */
function insertMissing(target: () => AddrMap, current: AddrMap, adds: AddrMap): void {
  for (const [k, e] of adds) if (!current.has(k)) target().set(k, structuredClone(e));
}

function setOrDeleteFlags(target: () => Map<number, number>, changes: Map<number, number>): void {
  for (const [id, f] of changes) {
    if (f) target().set(id, f);
    else target().delete(id);
  }
}

function applyBlocklistsAndFlags(c: Cow, inc: Incremental): void {
  const m = c.m;
  insertMissing(() => c.map('blocklist'), m.blocklist, inc.newBlocklist);
  for (const a of inc.oldBlocklist) c.map('blocklist').delete(addrMapKey(a));
  insertMissing(() => c.map('rangeBlocklist'), m.rangeBlocklist, inc.newRangeBlocklist);
  for (const a of inc.oldRangeBlocklist) c.map('rangeBlocklist').delete(addrMapKey(a));
  setOrDeleteFlags(() => c.map('crushNodeFlags'), inc.newCrushNodeFlags);
  setOrDeleteFlags(() => c.map('deviceClassFlags'), inc.newDeviceClassFlags);
  if (inc.clusterSnapshot.length > 0) {
    m.clusterSnapshot = inc.clusterSnapshot;
    m.clusterSnapshotEpoch = inc.epoch;
  } else {
    m.clusterSnapshot = '';
    m.clusterSnapshotEpoch = 0;
  }
}

function applyRatiosAndReleases(m: OSDMap, inc: Incremental): void {
  if (inc.newNearfullRatio >= 0) m.nearfullRatio = inc.newNearfullRatio;
  if (inc.newBackfillfullRatio >= 0) m.backfillfullRatio = inc.newBackfillfullRatio;
  if (inc.newFullRatio >= 0) m.fullRatio = inc.newFullRatio;
  // 0xff is "no change" for both release bytes.
  const minCompat = inc.newRequireMinCompatClient;
  if (minCompat !== 0xff && minCompat > RELEASE.UNKNOWN) m.requireMinCompatClient = minCompat;
  if (inc.newRequireOsdRelease !== 0xff) {
    m.requireOsdRelease = inc.newRequireOsdRelease;
    if (m.requireOsdRelease >= RELEASE.LUMINOUS) {
      m.flags = ((m.flags & ~LEGACY_REQUIRE_FLAGS) | OSDMAP_FLAG.RECOVERY_DELETES) >>> 0;
    }
    if (m.requireOsdRelease >= RELEASE.NAUTILUS) m.flags = (m.flags | OSDMAP_FLAG.PGLOG_HARDLIMIT) >>> 0;
  }
}

function applyCrushAndModes(c: Cow, inc: Incremental): void {
  const m = c.m;
  if (inc.crush.length > 0) {
    // Ceph decodes the blob into a CrushWrapper and the full map encodes that: what decode
    // recomputes (max_devices, choose_args, missing tunables) is not carried over verbatim.
    const crush = reencodeCrushMap(inc.crush, inc.encodeFeatures);
    m.crushBytes = crush.bytes;
    m.crush = crush.map;
    // Only a luminous-encoded map counts CRUSH versions.
    if (m.requireOsdRelease >= RELEASE.LUMINOUS) m.crushVersion++;
    for (const id of [...m.deviceClassFlags.keys()]) if (!m.crush.className.has(id)) c.map('deviceClassFlags').delete(id);
  }
  if (inc.changeStretchMode) {
    m.stretchModeEnabled = inc.stretchModeEnabled;
    m.stretchBucketCount = inc.newStretchBucketCount;
    m.degradedStretchMode = inc.newDegradedStretchMode;
    m.recoveringStretchMode = inc.newRecoveringStretchMode;
    m.stretchModeBucket = inc.newStretchModeBucket;
  }
  if (inc.mutateAllowCrimson === 1) m.allowCrimson = true;
  else if (inc.mutateAllowCrimson === 2) m.allowCrimson = false;
}

function checkChain(full: OSDMap, inc: Incremental): void {
  if (inc.epoch !== full.epoch + 1) {
    throw badIncremental(`incremental epoch ${inc.epoch} does not follow full map epoch ${full.epoch}`);
  }
  if (inc.epoch !== 1 && inc.fsid !== full.fsid) {
    throw badIncremental(`incremental fsid ${inc.fsid} is not the map's fsid ${full.fsid}`);
  }
}

export interface AppliedMap {
  map: OSDMap;
  /** The map encoded with the incremental's features (or the incremental's own full map). */
  bytes: Uint8Array;
}

/**
 * The map of epoch `inc.epoch` and its encoding, sharing what did not change with `full`:
 * neither may be modified afterwards. `cache` carries encoded parts from one epoch to the next.
 */
export function applyIncrementalShared(full: OSDMap, inc: Incremental, cache?: EncodeCache): AppliedMap {
  if (inc.fullmap.length > 0) {
    checkChain(full, inc);
    return { map: decodeOSDMap(inc.fullmap), bytes: inc.fullmap };
  }
  const m = applyIncrementalUnencoded(full, inc);
  return { map: m, bytes: encodeApplied(m, inc, cache) };
}

/**
 * applyIncrementalShared without the encoding: the map's `crc` is not yet set (still `full`'s)
 * until encodeApplied runs. A monitor preparing many commands into one incremental projects
 * each and encodes only the last.
 */
export function applyIncrementalUnencoded(full: OSDMap, inc: Incremental): OSDMap {
  checkChain(full, inc);
  if (inc.fullmap.length > 0) return decodeOSDMap(inc.fullmap);

  const m: OSDMap = { ...full };
  const c = new Cow(m);
  m.flags = effectiveFlags(full);
  m.requireOsdRelease = effectiveRequireOsdRelease(full);
  m.fsid = inc.fsid;
  m.epoch = inc.epoch;
  m.modified = { ...inc.modified };
  applyScalars(c, inc);
  applyPools(c, inc);
  applyWeightsAndProfiles(c, inc);
  applyStates(c, inc);
  applyInfo(c, inc);
  applyPgOverrides(c, inc);
  applyBlocklistsAndFlags(c, inc);
  applyRatiosAndReleases(m, inc);
  applyCrushAndModes(c, inc);

  // The result is what the monitor encoded with the incremental's features. An Incremental
  // at client v9 without SERVER_REEF comes from 18.2.0/18.2.1, which wrote the full map's
  // client section at v10 whatever the features (clientVersionFor).
  const f = inc.encodeFeatures;
  m.clientV = clientVersionFor({ ...m, clientV: inc.clientV >= 9 ? 10 : 9 }, f);
  m.osdV = osdVersionFor(m, f);
  m.structV = 8;
  delete m.clientTail;
  delete m.osdTail;
  return m;
}

/** Encodes a map from applyIncrementalUnencoded with the incremental's features and sets its CRC. */
export function encodeApplied(m: OSDMap, inc: Incremental, cache?: EncodeCache): Uint8Array {
  const bytes = encodeOSDMap(m, inc.encodeFeatures, cache);
  m.crc = crcField(bytes);
  return bytes;
}

/** The map of epoch `inc.epoch` (throws BAD_ARGUMENT when the epochs or fsids do not chain). */
export function applyIncremental(full: OSDMap, inc: Incremental): OSDMap {
  checkChain(full, inc);
  return applyIncrementalShared(structuredClone(full), inc).map;
}
