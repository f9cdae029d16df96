/**
 * OSDMap::apply_incremental (formats.md §7.3): the full map of epoch e+1 from the full map of
 * epoch e and the Incremental of epoch e+1. The input map is not modified.
 *
 * The base map is taken as Ceph holds it after decoding (flags adjusted for the release).
 * The result carries the section versions, and the CRC, of its encoding with the
 * incremental's encode features, so `encodeOSDMap(result, inc.encodeFeatures)` is what the
 * monitor stored and its CRC is the incremental's `full_crc`.
 */
import { decodeCrushMap } from '../crush/index.js';
import { MonctlError } from '../errors.js';
import type { EntityAddrvec } from '../msg/entity-addr.js';
import type { Incremental } from './incremental-types.js';
import { emptyOsdInfo, emptyOsdXinfo } from './osd-info.js';
import { clientVersionFor } from './osdmap-client.js';
import { addrMapKey, pgKey, type AddrMap, type PgMap } from './osdmap-codec.js';
import { osdVersionFor } from './osdmap-osd.js';
import { decodeOSDMap, osdMapCrc } from './osdmap.js';
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

/** OSDMap::set_max_osd: new slots are out, stateless and blank. */
export function setMaxOsd(m: OSDMap, n: number): void {
  const resize = <T>(v: T[], fill: () => T): void => {
    if (v.length > n) v.length = n;
    while (v.length < n) v.push(fill());
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

function osd(m: OSDMap, id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id >= m.maxOsd) {
    throw badIncremental(`the incremental's ${what} names osd.${id}, outside max_osd ${m.maxOsd}`);
  }
  return id;
}

/** OSDMap::set_primary_affinity: the first non-default value creates the vector. */
function setPrimaryAffinity(m: OSDMap, id: number, w: number): void {
  if (!m.osdPrimaryAffinity) m.osdPrimaryAffinity = new Array<number>(m.maxOsd).fill(DEFAULT_PRIMARY_AFFINITY);
  m.osdPrimaryAffinity[id] = w >>> 0;
}

// ---- the steps of apply_incremental ------------------------------------------------------------

function applyScalars(m: OSDMap, inc: Incremental): void {
  if (inc.newFlags >= 0) {
    m.flags = inc.newFlags >>> 0;
    // A newly upgraded monitor may set the legacy require flags before the release field.
    if (m.flags & OSDMAP_FLAG.REQUIRE_KRAKEN) m.requireOsdRelease = Math.max(m.requireOsdRelease, RELEASE.KRAKEN);
    else if (m.flags & OSDMAP_FLAG.REQUIRE_JEWEL) m.requireOsdRelease = Math.max(m.requireOsdRelease, RELEASE.JEWEL);
  }
  if (inc.newMaxOsd >= 0) setMaxOsd(m, inc.newMaxOsd);
  if (inc.newPoolMax !== -1n) m.poolMax = Number(BigInt.asIntN(32, inc.newPoolMax));
}

function applyPools(m: OSDMap, inc: Incremental): void {
  for (const [id, pool] of inc.newPools) m.pools.set(id, { ...structuredClone(pool), lastChange: m.epoch });
  m.newRemovedSnaps = structuredClone(inc.newRemovedSnaps);
  m.newPurgedSnaps = structuredClone(inc.newPurgedSnaps);
  for (const [pool, snaps] of m.newRemovedSnaps) {
    m.removedSnapsQueue.set(pool, intervalUnion(m.removedSnapsQueue.get(pool) ?? [], snaps));
  }
  for (const [pool, snaps] of m.newPurgedSnaps) {
    const left = intervalSubtract(m.removedSnapsQueue.get(pool) ?? [], snaps);
    if (left.length === 0) m.removedSnapsQueue.delete(pool);
    else m.removedSnapsQueue.set(pool, left);
  }
  if (inc.newLastUpChange.sec !== 0 || inc.newLastUpChange.nsec !== 0) m.lastUpChange = { ...inc.newLastUpChange };
  if (inc.newLastInChange.sec !== 0 || inc.newLastInChange.nsec !== 0) m.lastInChange = { ...inc.newLastInChange };
  for (const [id, name] of inc.newPoolNames) m.poolName.set(id, name);
  for (const id of inc.oldPools) {
    m.pools.delete(id);
    m.poolName.delete(id);
  }
}

function applyWeightsAndProfiles(m: OSDMap, inc: Incremental): void {
  for (const [id, w] of inc.newWeight) {
    const o = osd(m, id, 'new_weight');
    m.osdWeight[o] = w >>> 0;
    if (w !== 0) {
      // set_weight marks the OSD as existing; marking in clears AUTOOUT and NEW.
      m.osdState[o] = (m.osdState[o]! | OSD_STATE.EXISTS) & ~(OSD_STATE.AUTOOUT | OSD_STATE.NEW);
      m.osdXinfo[o]!.oldWeight = 0;
    }
  }
  for (const [id, a] of inc.newPrimaryAffinity) setPrimaryAffinity(m, osd(m, id, 'new_primary_affinity'), a);
  for (const name of inc.oldErasureCodeProfiles) m.erasureCodeProfiles.delete(name);
  for (const [name, profile] of inc.newErasureCodeProfiles) m.erasureCodeProfiles.set(name, new Map(profile));
}

function applyStates(m: OSDMap, inc: Incremental): void {
  for (const [id, mask] of inc.newState) {
    const o = osd(m, id, 'new_state');
    const s = mask === 0 ? OSD_STATE.UP : mask; // 0 is the legacy "toggle up"
    const cur = m.osdState[o]!;
    if (cur & OSD_STATE.UP && s & OSD_STATE.UP) {
      m.osdInfo[o]!.downAt = m.epoch;
      m.osdXinfo[o]!.downStamp = { ...m.modified };
    }
    if (cur & OSD_STATE.EXISTS && s & OSD_STATE.EXISTS) {
      // The OSD is destroyed: everything about it is reset.
      m.osdUuid[o] = ZERO_UUID;
      m.osdInfo[o] = emptyOsdInfo();
      m.osdXinfo[o] = emptyOsdXinfo();
      setPrimaryAffinity(m, o, DEFAULT_PRIMARY_AFFINITY);
      m.clientAddrs[o] = emptyAddrvec();
      m.clusterAddrs[o] = emptyAddrvec();
      m.hbFrontAddrs[o] = emptyAddrvec();
      m.hbBackAddrs[o] = emptyAddrvec();
      m.osdState[o] = 0;
    } else {
      m.osdState[o] = (cur ^ s) >>> 0;
    }
  }
  for (const [id, addrs] of inc.newUpClient) {
    const o = osd(m, id, 'new_up_client');
    m.osdState[o] = ((m.osdState[o]! | OSD_STATE.EXISTS | OSD_STATE.UP) & ~OSD_STATE.STOP) >>> 0;
    m.clientAddrs[o] = structuredClone(addrs);
    m.hbBackAddrs[o] = structuredClone(inc.newHbBackUp.get(id) ?? emptyAddrvec());
    m.hbFrontAddrs[o] = structuredClone(inc.newHbFrontUp.get(id) ?? emptyAddrvec());
    m.osdInfo[o]!.upFrom = m.epoch;
  }
  for (const [id, addrs] of inc.newUpCluster) m.clusterAddrs[osd(m, id, 'new_up_cluster')] = structuredClone(addrs);
}

function applyInfo(m: OSDMap, inc: Incremental): void {
  for (const [id, e] of inc.newUpThru) m.osdInfo[osd(m, id, 'new_up_thru')]!.upThru = e;
  for (const [id, [begin, end]] of inc.newLastCleanInterval) {
    const info = m.osdInfo[osd(m, id, 'new_last_clean_interval')]!;
    info.lastCleanBegin = begin;
    info.lastCleanEnd = end;
  }
  for (const [id, e] of inc.newLost) m.osdInfo[osd(m, id, 'new_lost')]!.lostAt = e;
  for (const [id, x] of inc.newXinfo) m.osdXinfo[osd(m, id, 'new_xinfo')] = structuredClone(x);
  for (const [id, u] of inc.newUuid) m.osdUuid[osd(m, id, 'new_uuid')] = u;
}

function setOrErase<V>(target: PgMap<V>, changes: PgMap<V>, erase: (v: V) => boolean): void {
  for (const [k, e] of changes) {
    if (erase(e.value)) target.delete(k);
    else target.set(k, structuredClone(e));
  }
}

function applyPgOverrides(m: OSDMap, inc: Incremental): void {
  setOrErase(m.pgTemp, inc.newPgTemp, (osds) => osds.length === 0);
  setOrErase(m.primaryTemp, inc.newPrimaryTemp, (o) => o === -1);
  setOrErase(m.pgUpmap, inc.newPgUpmap, () => false);
  for (const e of inc.oldPgUpmap.values()) m.pgUpmap.delete(pgKey(e.pg));
  setOrErase(m.pgUpmapItems, inc.newPgUpmapItems, () => false);
  for (const e of inc.oldPgUpmapItems.values()) m.pgUpmapItems.delete(pgKey(e.pg));
  setOrErase(m.pgUpmapPrimaries, inc.newPgUpmapPrimary, () => false);
  for (const e of inc.oldPgUpmapPrimary.values()) m.pgUpmapPrimaries.delete(pgKey(e.pg));
}

/** std::map::insert: an entry already present keeps its old expiry. */
function insertMissing(target: AddrMap, adds: AddrMap): void {
  for (const [k, e] of adds) if (!target.has(k)) target.set(k, structuredClone(e));
}

function applyBlocklistsAndFlags(m: OSDMap, inc: Incremental): void {
  insertMissing(m.blocklist, inc.newBlocklist);
  for (const a of inc.oldBlocklist) m.blocklist.delete(addrMapKey(a));
  insertMissing(m.rangeBlocklist, inc.newRangeBlocklist);
  for (const a of inc.oldRangeBlocklist) m.rangeBlocklist.delete(addrMapKey(a));
  for (const [id, f] of inc.newCrushNodeFlags) {
    if (f) m.crushNodeFlags.set(id, f);
    else m.crushNodeFlags.delete(id);
  }
  for (const [id, f] of inc.newDeviceClassFlags) {
    if (f) m.deviceClassFlags.set(id, f);
    else m.deviceClassFlags.delete(id);
  }
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

function applyCrushAndModes(m: OSDMap, inc: Incremental): void {
  if (inc.crush.length > 0) {
    m.crushBytes = inc.crush.slice();
    m.crush = decodeCrushMap(m.crushBytes);
    // Only a luminous-encoded map counts CRUSH versions.
    if (m.requireOsdRelease >= RELEASE.LUMINOUS) m.crushVersion++;
    for (const id of [...m.deviceClassFlags.keys()]) if (!m.crush.className.has(id)) m.deviceClassFlags.delete(id);
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

/** The map of epoch `inc.epoch` (throws BAD_ARGUMENT when the epochs or fsids do not chain). */
export function applyIncremental(full: OSDMap, inc: Incremental): OSDMap {
  if (inc.epoch !== full.epoch + 1) {
    throw badIncremental(`incremental epoch ${inc.epoch} does not follow full map epoch ${full.epoch}`);
  }
  if (inc.epoch !== 1 && inc.fsid !== full.fsid) {
    throw badIncremental(`incremental fsid ${inc.fsid} is not the map's fsid ${full.fsid}`);
  }
  if (inc.fullmap.length > 0) return decodeOSDMap(inc.fullmap);

  const m = structuredClone(full);
  m.flags = effectiveFlags(full);
  m.requireOsdRelease = effectiveRequireOsdRelease(full);
  m.fsid = inc.fsid;
  m.epoch = inc.epoch;
  m.modified = { ...inc.modified };
  applyScalars(m, inc);
  applyPools(m, inc);
  applyWeightsAndProfiles(m, inc);
  applyStates(m, inc);
  applyInfo(m, inc);
  applyPgOverrides(m, inc);
  applyBlocklistsAndFlags(m, inc);
  applyRatiosAndReleases(m, inc);
  applyCrushAndModes(m, inc);

  // The result is what the monitor encoded with the incremental's features.
  const f = inc.encodeFeatures;
  m.clientV = clientVersionFor(m, f);
  m.osdV = osdVersionFor(m, f);
  m.structV = 8;
  delete m.clientTail;
  delete m.osdTail;
  m.crc = osdMapCrc(m, f);
  return m;
}
