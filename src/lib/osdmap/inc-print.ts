/** OSDMap::Incremental as text (`osdmap inc show`) and as JSON. */
import { decodeCrushMap, dumpCrushMap } from '../crush/index.js';
import { dumpEntityAddrvec, formatEntityAddr, formatEntityAddrvec, legacyAddr } from '../msg/entity-addr.js';
import { formatUTimeCeph } from '../msg/utime.js';
import { dumpOSDMap, osdStateSet, osdmapFlagString } from './dump.js';
import { dumpOsdXinfo } from './osd-info.js';
import { type AddrMap, type PgMap, sortedAddrEntries, sortedByNumber, sortedPgEntries } from './osdmap-codec.js';
import { decodeOSDMap } from './osdmap.js';
import type { SnapInterval } from './pool.js';
import { effectiveRelease, NEWEST_KNOWN_RELEASE } from '../ceph-releases.js';
import { releaseNameAs } from './release-view.js';
import { formatPg } from './pg.js';
import { dumpPgPool, formatSnapIntervals } from './pool-dump.js';
import { compareBytewise } from './string-map.js';
import { type Incremental } from './incremental.js';
import { formatG, formatPgPool, weightFloat16 } from './print.js';

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const osdIds = <V>(m: ReadonlyMap<number, V>): [number, V][] => sortedByNumber(m);

/** new_state is an XOR mask; 0 is the legacy "toggle up". */
function stateMaskNames(mask: number): string {
  return mask === 0 ? 'up' : osdStateSet(mask).join(',');
}

function incPoolLines(inc: Incremental, release: number): string[] {
  const out: string[] = [];
  for (const [id, p] of osdIds(inc.newPools)) out.push(`pool ${id} '${inc.newPoolNames.get(id) ?? '<unknown>'}' set: ${formatPgPool(p, release)}`);
  for (const [id, name] of osdIds(inc.newPoolNames)) if (!inc.newPools.has(id)) out.push(`pool ${id} renamed '${name}'`);
  for (const id of inc.oldPools) out.push(`pool ${id} removed`);
  for (const [name, kv] of [...inc.newErasureCodeProfiles].sort(([a], [b]) => compareBytewise(a, b))) {
    const text = [...kv].sort(([a], [b]) => compareBytewise(a, b)).map(([k, v]) => `${k}=${v}`).join(' ');
    out.push(`erasure_code_profile ${name} set: ${text}`);
  }
  for (const name of inc.oldErasureCodeProfiles) out.push(`erasure_code_profile ${name} removed`);
  return out;
}

function incOsdLines(inc: Incremental): string[] {
  const out: string[] = [];
  for (const [id, av] of osdIds(inc.newUpClient)) out.push(`osd.${id} boot: up at ${formatEntityAddrvec(av)}`);
  for (const [id, mask] of osdIds(inc.newState)) out.push(`osd.${id} state toggled: ${stateMaskNames(mask)}`);
  for (const [id, w] of osdIds(inc.newWeight)) out.push(`osd.${id} weight ${formatG(weightFloat16(w))} (${w === 0 ? 'out' : 'in'})`);
  for (const [id, a] of osdIds(inc.newPrimaryAffinity)) out.push(`osd.${id} primary_affinity ${formatG(weightFloat16(a))}`);
  for (const [id, e] of osdIds(inc.newUpThru)) out.push(`osd.${id} up_thru ${e}`);
  for (const [id, [b, e]] of osdIds(inc.newLastCleanInterval)) out.push(`osd.${id} last_clean_interval [${b},${e})`);
  for (const [id, e] of osdIds(inc.newLost)) out.push(`osd.${id} lost_at ${e}`);
  for (const [id, u] of osdIds(inc.newUuid)) out.push(`osd.${id} uuid ${u}`);
  return out;
}

function incPgLines(inc: Incremental): string[] {
  const out: string[] = [];
  for (const e of sortedPgEntries(inc.newPgTemp)) out.push(`pg_temp ${formatPg(e.pg)} ${e.value.length ? `[${e.value.join(',')}]` : 'removed'}`);
  for (const e of sortedPgEntries(inc.newPrimaryTemp)) out.push(`primary_temp ${formatPg(e.pg)} ${e.value === -1 ? 'removed' : e.value}`);
  for (const e of sortedPgEntries(inc.newPgUpmap)) out.push(`pg_upmap ${formatPg(e.pg)} [${e.value.join(',')}]`);
  for (const e of sortedPgEntries(inc.oldPgUpmap)) out.push(`pg_upmap ${formatPg(e.pg)} removed`);
  for (const e of sortedPgEntries(inc.newPgUpmapItems)) out.push(`pg_upmap_items ${formatPg(e.pg)} [${e.value.flat().join(',')}]`);
  for (const e of sortedPgEntries(inc.oldPgUpmapItems)) out.push(`pg_upmap_items ${formatPg(e.pg)} removed`);
  for (const e of sortedPgEntries(inc.newPgUpmapPrimary)) out.push(`pg_upmap_primary ${formatPg(e.pg)} ${e.value}`);
  for (const e of sortedPgEntries(inc.oldPgUpmapPrimary)) out.push(`pg_upmap_primary ${formatPg(e.pg)} removed`);
  for (const e of sortedAddrEntries(inc.newBlocklist)) out.push(`blocklist ${formatEntityAddr(e.addr)} expires ${formatUTimeCeph(e.until)}`);
  for (const a of inc.oldBlocklist) out.push(`blocklist ${formatEntityAddr(a)} removed`);
  for (const e of sortedAddrEntries(inc.newRangeBlocklist)) out.push(`range blocklist ${formatEntityAddr(e.addr)} expires ${formatUTimeCeph(e.until)}`);
  for (const a of inc.oldRangeBlocklist) out.push(`range blocklist ${formatEntityAddr(a)} removed`);
  return out;
}

function incMapLines(inc: Incremental, release: number): string[] {
  const out: string[] = [];
  if (inc.fullmap.length > 0) out.push(`full map: ${inc.fullmap.length} bytes`);
  if (inc.newFlags >= 0) out.push(`flags ${osdmapFlagString(inc.newFlags >>> 0, release)}`);
  if (inc.newMaxOsd >= 0) out.push(`max_osd ${inc.newMaxOsd}`);
  if (inc.newPoolMax !== -1n) out.push(`pool_max ${inc.newPoolMax}`);
  if (inc.crush.length > 0) out.push(`crush map replaced: ${inc.crush.length} bytes`);
  if (inc.newFullRatio >= 0) out.push(`full_ratio ${formatG(inc.newFullRatio)}`);
  if (inc.newBackfillfullRatio >= 0) out.push(`backfillfull_ratio ${formatG(inc.newBackfillfullRatio)}`);
  if (inc.newNearfullRatio >= 0) out.push(`nearfull_ratio ${formatG(inc.newNearfullRatio)}`);
  if (inc.newRequireMinCompatClient !== 0xff) out.push(`require_min_compat_client ${releaseNameAs(inc.newRequireMinCompatClient, release)}`);
  if (inc.newRequireOsdRelease !== 0xff) out.push(`require_osd_release ${releaseNameAs(inc.newRequireOsdRelease, release)}`);
  if (inc.clusterSnapshot) out.push(`cluster_snapshot ${inc.clusterSnapshot}`);
  if (inc.changeStretchMode) out.push(`stretch_mode_enabled ${inc.stretchModeEnabled ? 'true' : 'false'}`);
  if (inc.mutateAllowCrimson === 1) out.push('allow_crimson set');
  else if (inc.mutateAllowCrimson === 2) out.push('allow_crimson cleared');
  for (const [pool, snaps] of sortedByNumber(inc.newRemovedSnaps)) out.push(`pool ${pool} new_removed_snaps ${formatSnapIntervals(snaps)}`);
  for (const [pool, snaps] of sortedByNumber(inc.newPurgedSnaps)) out.push(`pool ${pool} new_purged_snaps ${formatSnapIntervals(snaps)}`);
  return out;
}

/**
 * The release whose names an Incremental's text and JSON use: the one named, else the
 * require_osd_release the incremental sets, else the newest known (no Ceph tool prints
 * incrementals, so nothing older needs matching by default).
 */
export function incRelease(inc: Incremental, named?: number): number {
  if (named !== undefined) return named;
  return inc.newRequireOsdRelease !== 0xff ? effectiveRelease(undefined, inc.newRequireOsdRelease) : NEWEST_KNOWN_RELEASE;
}

/** A human summary of an Incremental: one line per change, after a header line. */
export function printIncremental(inc: Incremental, named?: number): string {
  const release = incRelease(inc, named);
  const head = `osdmap incremental e${inc.epoch} fsid ${inc.fsid} modified ${formatUTimeCeph(inc.modified)} full_crc ${hex32(inc.fullCrc)}`;
  const lines = [...incMapLines(inc, release), ...incPoolLines(inc, release), ...incOsdLines(inc), ...incPgLines(inc)];
  return [head, ...(lines.length > 0 ? lines.map((l) => `  ${l}`) : ['  no changes'])].join('\n') + '\n';
}

// ---- OSDMap::Incremental::dump ---------------------------------------------------------------

const pgids = (m: PgMap<unknown>): string[] => sortedPgEntries(m).map((e) => formatPg(e.pg));
const perOsd = <V>(m: ReadonlyMap<number, V>, field: (v: V) => Record<string, unknown>): Record<string, unknown>[] =>
  osdIds(m).map(([osd, v]) => ({ osd, ...field(v) }));
/** Ceph's JSONFormatter drops the names of values written straight into an array section. */
const blocklistExpiries = (m: AddrMap): string[] => sortedAddrEntries(m).map((e) => formatUTimeCeph(e.until));
const snapsByPool = (m: ReadonlyMap<number, SnapInterval[]>) =>
  osdIds(m).map(([pool, snaps]) => ({ pool, snaps: snaps.map((i) => ({ begin: i.start, length: i.len })) }));

function newUpOsds(inc: Incremental): Record<string, unknown>[] {
  return osdIds(inc.newUpClient).map(([osd, av]) => {
    const cluster = inc.newUpCluster.get(osd);
    const back = inc.newHbBackUp.get(osd);
    const front = inc.newHbFrontUp.get(osd);
    return {
      osd,
      public_addr: formatEntityAddr(legacyAddr(av)),
      public_addrs: dumpEntityAddrvec(av),
      ...(cluster ? { cluster_addr: formatEntityAddr(legacyAddr(cluster)), cluster_addrs: dumpEntityAddrvec(cluster) } : {}),
      ...(back ? { heartbeat_back_addrs: dumpEntityAddrvec(back) } : {}),
      ...(front ? { heartbeat_front_addrs: dumpEntityAddrvec(front) } : {}),
    };
  });
}

/**
 * calc_state_set names written as repeated "flag" keys: a JavaScript object holds a key once,
 * so the names are kept as one "flag" array (Ceph's text repeats the key per name).
 */
function flagNodes(m: ReadonlyMap<number, number>): Record<string, unknown>[] {
  return osdIds(m).map(([id, f]) => {
    const names = osdStateSet(f);
    return names.length === 0 ? { id } : { id, flag: names.length === 1 ? names[0] : names };
  });
}

function pgChanges(inc: Incremental): Record<string, unknown> {
  return {
    new_pg_temp: sortedPgEntries(inc.newPgTemp).map((e) => ({ pgid: formatPg(e.pg), osds: e.value })),
    // Written as bare pgid, osd pairs in one array.
    primary_temp: sortedPgEntries(inc.newPrimaryTemp).flatMap((e) => [formatPg(e.pg), e.value]),
    new_pg_upmap: sortedPgEntries(inc.newPgUpmap).map((e) => ({ pgid: formatPg(e.pg), osds: e.value })),
    old_pg_upmap: pgids(inc.oldPgUpmap),
    new_pg_upmap_items: sortedPgEntries(inc.newPgUpmapItems).map((e) => ({
      pgid: formatPg(e.pg),
      mappings: e.value.map(([from, to]) => ({ from, to })),
    })),
    old_pg_upmap_items: pgids(inc.oldPgUpmapItems),
    // Reef+ (client section v9).
    ...(inc.clientV >= 9
      ? {
          new_pg_upmap_primaries: sortedPgEntries(inc.newPgUpmapPrimary).map((e) => ({ pgid: formatPg(e.pg), primary_osd: e.value })),
          old_pg_upmap_primaries: pgids(inc.oldPgUpmapPrimary),
        }
      : {}),
  };
}

function osdChanges(inc: Incremental): Record<string, unknown> {
  return {
    new_up_thru: perOsd(inc.newUpThru, (up_thru) => ({ up_thru })),
    new_lost: perOsd(inc.newLost, (epoch_lost) => ({ epoch_lost })),
    new_last_clean_interval: perOsd(inc.newLastCleanInterval, ([first, last]) => ({ first, last })),
    new_blocklist: blocklistExpiries(inc.newBlocklist),
    old_blocklist: inc.oldBlocklist.map(formatEntityAddr),
    new_range_blocklist: blocklistExpiries(inc.newRangeBlocklist),
    old_range_blocklist: inc.oldRangeBlocklist.map(formatEntityAddr),
    new_xinfo: perOsd(inc.newXinfo, dumpOsdXinfo),
    ...(inc.clusterSnapshot ? { cluster_snapshot: inc.clusterSnapshot } : {}),
    new_uuid: perOsd(inc.newUuid, (uuid) => ({ uuid })),
    erasure_code_profiles: Object.fromEntries(
      [...inc.newErasureCodeProfiles].sort(([a], [b]) => compareBytewise(a, b)).map(([name, kv]) => [name, Object.fromEntries([...kv].sort(([a], [b]) => compareBytewise(a, b)))]),
    ),
    old_erasure_code_profiles: inc.oldErasureCodeProfiles,
    new_removed_snaps: snapsByPool(inc.newRemovedSnaps),
    // Ceph leaves new_purged_snaps open, so the flag arrays and the stretch mode object land
    // inside it, their names dropped.
    new_purged_snaps: [
      ...snapsByPool(inc.newPurgedSnaps),
      flagNodes(inc.newCrushNodeFlags),
      flagNodes(inc.newDeviceClassFlags),
      // Before osd-only v10 the fields are not encoded: Ceph's defaults.
      {
        change_stretch_mode: inc.changeStretchMode ?? false,
        stretch_mode_enabled: inc.stretchModeEnabled ?? false,
        new_stretch_bucket_count: inc.newStretchBucketCount ?? 0,
        new_degraded_stretch_mode: inc.newDegradedStretchMode ?? 0,
        new_recovering_stretch_mode: inc.newRecoveringStretchMode ?? 0,
        new_stretch_mode_bucket: inc.newStretchModeBucket ?? 0,
      },
    ],
  };
}

/**
 * OSDMap::Incremental::dump: Ceph's field names, order and nesting (including its quirks,
 * commented where they are), with the embedded full map and CRUSH map dumped as Ceph does.
 */
export function dumpIncremental(inc: Incremental, named?: number): Record<string, unknown> {
  const release = incRelease(inc, named);
  return {
    epoch: inc.epoch,
    fsid: inc.fsid,
    modified: formatUTimeCeph(inc.modified),
    new_last_up_change: formatUTimeCeph(inc.newLastUpChange),
    new_last_in_change: formatUTimeCeph(inc.newLastInChange),
    new_pool_max: inc.newPoolMax,
    new_flags: inc.newFlags,
    new_full_ratio: inc.newFullRatio,
    new_nearfull_ratio: inc.newNearfullRatio,
    new_backfillfull_ratio: inc.newBackfillfullRatio,
    new_require_min_compat_client: inc.newRequireMinCompatClient,
    new_require_osd_release: inc.newRequireOsdRelease,
    // Reef+ (osd-only section v12).
    ...(inc.osdV >= 12 ? { mutate_allow_crimson: inc.mutateAllowCrimson } : {}),
    ...(inc.fullmap.length > 0 ? { full_map: dumpOSDMap(decodeOSDMap(inc.fullmap), named) } : {}),
    ...(inc.crush.length > 0 ? { crush: dumpCrushMap(decodeCrushMap(inc.crush)) } : {}),
    new_max_osd: inc.newMaxOsd,
    new_pools: osdIds(inc.newPools).map(([pool, p]) => ({ pool, ...dumpPgPool(p, undefined, release) })),
    new_pool_names: osdIds(inc.newPoolNames).map(([pool, name]) => ({ pool, name })),
    old_pools: [...inc.oldPools].sort((a, b) => a - b),
    new_up_osds: newUpOsds(inc),
    new_weight: perOsd(inc.newWeight, (weight) => ({ weight })),
    osd_state_xor: perOsd(inc.newState, (mask) => ({ state_xor: osdStateSet(mask) })),
    ...pgChanges(inc),
    ...osdChanges(inc),
  };
}
