/**
 * OSDMap::dump as Ceph 16.2 (Pacific) prints it: the JSON object of `osdmaptool --dump json`
 * (and of `ceph osd dump --format json`). Field names, nesting and value kinds follow Ceph's
 * formatter: u64 values are bigints, floats are widened from Ceph's f32 values, utime_t and
 * pg_t are printed as Ceph prints them. Inside array sections Ceph's JSON formatter drops
 * the names, which is why primary_temp is a flat list.
 */
import { crushFeatureUse } from '../crush/dump.js';
import { getBucket, RuleOp, type CrushMap } from '../crush/types.js';
import { dumpEntityAddrvec, formatEntityAddr, formatLegacyStr } from '../msg/entity-addr.js';
import { formatUTimeCeph } from '../msg/utime.js';
import { dumpOsdInfo, dumpOsdXinfo } from './osd-info.js';
import { blocklistInCephOrder } from './blocklist-order.js';
import { sortedAddrEntries, sortedByNumber, sortedPgEntries, type AddrEntry } from './osdmap-codec.js';
import {
  CEPH_OSD_IN,
  DEFAULT_PRIMARY_AFFINITY,
  OSD_STATE,
  RELEASE,
  effectiveFlags,
  effectiveRequireOsdRelease,
  releaseFromName,
  type OSDMap,
} from './osdmap-types.js';
import { formatPg } from './pg.js';
import { dumpPgPool } from './pool-dump.js';
import { dumpReadBalance } from './read-balance-dump.js';
import { asDecodedBy, releaseNameAs, textRelease } from './release-view.js';
import type { SnapInterval } from './pool.js';
import { compareBytewise } from './string-map.js';

/** OSDMap::get_flag_string names (Pacific), in Ceph's order; other bits have no name. */
const FLAG_NAMES: [number, string][] = [
  [0x4, 'pauserd'],
  [0x8, 'pausewr'],
  [0x10, 'pauserec'],
  [0x20, 'noup'],
  [0x40, 'nodown'],
  [0x80, 'noout'],
  [0x100, 'noin'],
  [0x200, 'nobackfill'],
  [0x4000, 'norebalance'],
  [0x400, 'norecover'],
  [0x800, 'noscrub'],
  [0x1000, 'nodeep-scrub'],
  [0x2000, 'notieragent'],
  [0x200000, 'nosnaptrim'],
  [0x8000, 'sortbitwise'],
  [0x10000, 'require_jewel_osds'],
  [0x20000, 'require_kraken_osds'],
  [0x40000, 'require_luminous_osds'],
  [0x80000, 'recovery_deletes'],
  [0x100000, 'purged_snapdirs'],
  [0x400000, 'pglog_hardlimit'],
];
/** CEPH_OSDMAP_NOAUTOSCALE (1<<23): named by Quincy and later (Reef's and Tentacle's osdmaptool print it; Pacific 16.2.15's does not). */
const NOAUTOSCALE: [number, string] = [0x800000, 'noautoscale'];

/** OSDMap::get_flag_string of `release` (default: the newest known). */
export function osdmapFlagString(flags: number, release: number = RELEASE.TENTACLE): string {
  const names = release >= RELEASE.QUINCY ? [...FLAG_NAMES, NOAUTOSCALE] : FLAG_NAMES;
  return names
    .filter(([bit]) => (flags & bit) !== 0)
    .map(([, name]) => name)
    .join(',');
}

/** OSDMap::get_flag_set: one name per set bit (bits without a name give ""), sorted. */
export function osdmapFlagSet(flags: number, release: number = RELEASE.TENTACLE): string[] {
  const names = new Set<string>();
  for (let i = 0; i < 32; i++) if ((flags >>> i) & 1) names.add(osdmapFlagString((1 << i) >>> 0, release));
  return [...names].sort(compareBytewise);
}

const STATE_NAMES: Record<number, string> = {
  [OSD_STATE.EXISTS]: 'exists',
  [OSD_STATE.UP]: 'up',
  [OSD_STATE.AUTOOUT]: 'autoout',
  [OSD_STATE.NEW]: 'new',
  [OSD_STATE.FULL]: 'full',
  [OSD_STATE.NEARFULL]: 'nearfull',
  [OSD_STATE.BACKFILLFULL]: 'backfillfull',
  [OSD_STATE.DESTROYED]: 'destroyed',
  [OSD_STATE.NOUP]: 'noup',
  [OSD_STATE.NODOWN]: 'nodown',
  [OSD_STATE.NOIN]: 'noin',
  [OSD_STATE.NOOUT]: 'noout',
  [OSD_STATE.STOP]: 'stop',
};

/** OSDMap::calc_state_set: the names of the set state bits, as a sorted set. */
export function osdStateSet(state: number): string[] {
  const names = new Set<string>();
  for (let i = 0; i < 32; i++) {
    const bit = (1 << i) >>> 0;
    if (state & bit) names.add(STATE_NAMES[bit] ?? '???');
  }
  return [...names].sort(compareBytewise);
}

// ---- min_compat_client ---------------------------------------------------------------------

function ruleUses(crush: CrushMap, ruleId: number, ops: number[]): boolean {
  const rule = ruleId >= 0 ? crush.rules[ruleId] : undefined;
  return rule !== undefined && rule !== null && rule.steps.some((s) => ops.includes(s.op));
}

/** CrushWrapper::has_incompat_choose_args: anything beyond one default (−1) position set. */
function hasIncompatChooseArgs(crush: CrushMap): boolean {
  if (crush.chooseArgs.size === 0) return false;
  if (crush.chooseArgs.size > 1) return true;
  const [key, args] = [...crush.chooseArgs][0]!;
  if (key !== -1n) return true;
  return args.some((a) => a.weightSet.length > 1 || a.ids.length > 0);
}

/** CRUSH_RULE_TYPE_MSR_FIRSTN / MSR_INDEP (Squid): rules of the msr choose steps. */
export const MSR_RULE_TYPES: readonly number[] = [4, 5];

/**
 * OSDMap::get_min_compat_client from the client features the map needs (OSDMap::get_features):
 * squid for CRUSH_MSR (non-default msr tunables, or any msr rule in the map; Squid and later), reef for pg_upmap_primaries (SERVER_REEF, as Reef 18.2.7 and Tentacle report it; a
 * Pacific decoder never sees them), then Pacific's ladder down to argonaut. `release` is the
 * release computing it (default: the newest known).
 */
export function minCompatClient(m: OSDMap, release: number = RELEASE.TENTACLE): number {
  if (release < RELEASE.REEF) m = asDecodedBy(m, release);
  const crush = crushFeatureUse(m.crush);
  const luminous = m.pgUpmap.size > 0 || m.pgUpmapItems.size > 0 || m.pgUpmapPrimaries.size > 0 || hasIncompatChooseArgs(m.crush);
  let msr = m.crush.tunables.msrDescents !== 100 || m.crush.tunables.msrCollisionTries !== 100;
  let tunables3 = crush.tunables3;
  let tunables5 = crush.tunables5;
  let hashpspool = false;
  let cachepool = false;
  for (const p of m.pools.values()) {
    if (p.flags & 1n) hashpspool = true;
    if (p.tiers.length > 0 || p.tierOf >= 0n) cachepool = true;
    if (ruleUses(m.crush, p.crushRule, [RuleOp.SET_CHOOSELEAF_VARY_R])) tunables3 = true;
    if (ruleUses(m.crush, p.crushRule, [RuleOp.SET_CHOOSELEAF_STABLE])) tunables5 = true;
  }
  // CrushWrapper::has_msr_rules: any MSR rule of the map, used by a pool or not (Tentacle's
  // osdmaptool says squid as soon as the rule exists).
  if (m.crush.rules.some((r) => r !== null && r !== undefined && MSR_RULE_TYPES.includes(r.type))) msr = true;
  const affinity = (m.osdPrimaryAffinity ?? []).some((a, i) => i < m.maxOsd && a !== DEFAULT_PRIMARY_AFFINITY);
  if (msr && release >= RELEASE.SQUID) return RELEASE.SQUID;
  if (m.pgUpmapPrimaries.size > 0) return RELEASE.REEF;
  if (luminous) return releaseFromName('luminous');
  if (tunables5) return releaseFromName('jewel');
  if (crush.v4Buckets) return releaseFromName('hammer');
  if (affinity || tunables3 || cachepool) return releaseFromName('firefly');
  if (crush.tunables2 || hashpspool) return releaseFromName('dumpling');
  return releaseFromName('argonaut');
}

// ---- sections -------------------------------------------------------------------------------

const exists = (m: OSDMap, i: number): boolean => ((m.osdState[i] ?? 0) & OSD_STATE.EXISTS) !== 0;
const u64 = (n: number): number | bigint => (n < 0 ? BigInt.asUintN(64, BigInt(n)) : n);

function dumpOsd(m: OSDMap, i: number): Record<string, unknown> {
  const empty = { v: [] };
  const pub = m.clientAddrs[i] ?? empty;
  const cluster = m.clusterAddrs[i] ?? empty;
  const back = m.hbBackAddrs[i] ?? empty;
  const front = m.hbFrontAddrs[i] ?? empty;
  const affinity = m.osdPrimaryAffinity ? m.osdPrimaryAffinity[i] ?? DEFAULT_PRIMARY_AFFINITY : DEFAULT_PRIMARY_AFFINITY;
  return {
    osd: i,
    uuid: m.osdUuid[i] ?? '00000000-0000-0000-0000-000000000000',
    up: (m.osdState[i]! & OSD_STATE.UP) !== 0 ? 1 : 0,
    in: m.osdWeight[i] ? 1 : 0,
    weight: Math.fround(m.osdWeight[i] ?? 0) / CEPH_OSD_IN,
    primary_affinity: Math.fround(affinity) / DEFAULT_PRIMARY_AFFINITY,
    ...dumpOsdInfo(m.osdInfo[i] ?? { lastCleanBegin: 0, lastCleanEnd: 0, upFrom: 0, upThru: 0, downAt: 0, lostAt: 0 }),
    public_addrs: dumpEntityAddrvec(pub),
    cluster_addrs: dumpEntityAddrvec(cluster),
    heartbeat_back_addrs: dumpEntityAddrvec(back),
    heartbeat_front_addrs: dumpEntityAddrvec(front),
    public_addr: formatLegacyStr(pub),
    cluster_addr: formatLegacyStr(cluster),
    heartbeat_back_addr: formatLegacyStr(back),
    heartbeat_front_addr: formatLegacyStr(front),
    state: osdStateSet(m.osdState[i]!),
  };
}

function dumpSnapMap(m: ReadonlyMap<number, SnapInterval[]>): unknown[] {
  return sortedByNumber(m).map(([pool, set]) => ({
    pool,
    snaps: set.map((i) => ({ begin: i.start, length: i.len })),
  }));
}

function dumpAddrEntries(entries: readonly AddrEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) out[formatEntityAddr(e.addr)] = formatUTimeCeph(e.until);
  return out;
}

function dumpFlagMap(m: ReadonlyMap<number, number>, name: (id: number) => string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, flags] of sortedByNumber(m)) out[name(id) ?? String(id)] = osdStateSet(flags);
  return out;
}

function crushItemName(crush: CrushMap, id: number): string | undefined {
  // CrushWrapper::item_exists: a named item, or a bucket slot.
  if (crush.nameMap.has(id) || getBucket(crush, id) !== undefined) return crush.nameMap.get(id);
  return undefined;
}

function dumpPgOverrides(m: OSDMap, release: number): Record<string, unknown> {
  return {
    pg_upmap: sortedPgEntries(m.pgUpmap).map((e) => ({ pgid: formatPg(e.pg), osds: e.value })),
    pg_upmap_items: sortedPgEntries(m.pgUpmapItems).map((e) => ({
      pgid: formatPg(e.pg),
      mappings: e.value.map(([from, to]) => ({ from, to })),
    })),
    // Reef and later.
    ...(release >= RELEASE.REEF
      ? { pg_upmap_primaries: sortedPgEntries(m.pgUpmapPrimaries).map((e) => ({ pgid: formatPg(e.pg), primary_osd: e.value })) }
      : {}),
    pg_temp: sortedPgEntries(m.pgTemp).map((e) => ({ pgid: formatPg(e.pg), osds: e.value })),
    primary_temp: sortedPgEntries(m.primaryTemp).flatMap((e) => [formatPg(e.pg), e.value]),
  };
}

/** The pools[] of OSDMap::dump: pg_pool_t::dump, then (Reef and later) the read balance of a replicated pool. */
function dumpPools(m: OSDMap, release: number): Record<string, unknown>[] {
  return sortedByNumber(m.pools).map(([id, p]) => ({
    ...dumpPgPool(p, { id, name: m.poolName.get(id) ?? '<unknown>' }, release),
    ...dumpReadBalance(m, id, p, release),
  }));
}

/**
 * OSDMap::dump as `release`'s osdmaptool prints it (default: the map's require_osd_release):
 * Reef adds allow_crimson, pg_upmap_primaries and each replicated pool's read_balance.
 */
export function dumpOSDMap(map: OSDMap, named?: number): Record<string, unknown> {
  const release = textRelease(map, named);
  const m = asDecodedBy(map, release);
  const flags = effectiveFlags(m);
  const osds = [...Array(m.maxOsd).keys()].filter((i) => exists(m, i));
  const profiles = [...m.erasureCodeProfiles].sort(([a], [b]) => compareBytewise(a, b));
  return {
    epoch: m.epoch,
    fsid: m.fsid,
    created: formatUTimeCeph(m.created),
    modified: formatUTimeCeph(m.modified),
    last_up_change: formatUTimeCeph(m.lastUpChange),
    last_in_change: formatUTimeCeph(m.lastInChange),
    flags: osdmapFlagString(flags, release),
    flags_num: flags,
    flags_set: osdmapFlagSet(flags, release),
    crush_version: u64(m.crushVersion),
    full_ratio: m.fullRatio,
    backfillfull_ratio: m.backfillfullRatio,
    nearfull_ratio: m.nearfullRatio,
    cluster_snapshot: m.clusterSnapshot,
    pool_max: m.poolMax,
    max_osd: m.maxOsd,
    require_min_compat_client: releaseNameAs(m.requireMinCompatClient, release),
    min_compat_client: releaseNameAs(minCompatClient(m, release), release),
    require_osd_release: releaseNameAs(effectiveRequireOsdRelease(m), release),
    ...(release >= RELEASE.REEF ? { allow_crimson: m.allowCrimson } : {}),
    pools: dumpPools(m, release),
    osds: osds.map((i) => dumpOsd(m, i)),
    osd_xinfo: osds.map((i) => ({ osd: i, ...dumpOsdXinfo(m.osdXinfo[i]!) })),
    ...dumpPgOverrides(m, release),
    // The blocklist in hash-table order (Ceph's unordered_map), the range blocklist sorted.
    blocklist: dumpAddrEntries(blocklistInCephOrder(m.blocklist)),
    range_blocklist: dumpAddrEntries(sortedAddrEntries(m.rangeBlocklist)),
    erasure_code_profiles: Object.fromEntries(
      profiles.map(([name, kv]) => [name, Object.fromEntries([...kv].sort(([a], [b]) => compareBytewise(a, b)))]),
    ),
    removed_snaps_queue: dumpSnapMap(m.removedSnapsQueue),
    new_removed_snaps: dumpSnapMap(m.newRemovedSnaps),
    new_purged_snaps: dumpSnapMap(m.newPurgedSnaps),
    crush_node_flags: dumpFlagMap(m.crushNodeFlags, (id) => crushItemName(m.crush, id)),
    device_class_flags: dumpFlagMap(m.deviceClassFlags, (id) => m.crush.className.get(id)),
    stretch_mode: {
      stretch_mode_enabled: m.stretchModeEnabled,
      stretch_bucket_count: m.stretchBucketCount,
      degraded_stretch_mode: m.degradedStretchMode,
      recovering_stretch_mode: m.recoveringStretchMode,
      stretch_mode_bucket: m.stretchModeBucket,
    },
  };
}
