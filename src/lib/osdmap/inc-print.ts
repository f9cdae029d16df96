/** OSDMap::Incremental as text (`osdmap inc show`) and as JSON. */
import { crc32c } from '../encoding/index.js';
import { type EntityAddr, type EntityAddrvec, formatEntityAddr, formatEntityAddrvec } from '../msg/entity-addr.js';
import { formatUTimeCeph } from '../msg/utime.js';
import { osdStateSet, osdmapFlagString } from './dump.js';
import { dumpOsdXinfo } from './osd-info.js';
import { type AddrMap, sortedAddrEntries, sortedByNumber, sortedPgEntries } from './osdmap-codec.js';
import { releaseName } from './osdmap-types.js';
import { type PgId, formatPg } from './pg.js';
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

function incPoolLines(inc: Incremental): string[] {
  const out: string[] = [];
  for (const [id, p] of osdIds(inc.newPools)) out.push(`pool ${id} '${inc.newPoolNames.get(id) ?? '<unknown>'}' set: ${formatPgPool(p)}`);
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
  for (const e of sortedAddrEntries(inc.newBlocklist)) out.push(`blocklist ${formatEntityAddr(e.addr)} expires ${formatUTimeCeph(e.until)}`);
  for (const a of inc.oldBlocklist) out.push(`blocklist ${formatEntityAddr(a)} removed`);
  return out;
}

function incMapLines(inc: Incremental): string[] {
  const out: string[] = [];
  if (inc.fullmap.length > 0) out.push(`full map: ${inc.fullmap.length} bytes`);
  if (inc.newFlags >= 0) out.push(`flags ${osdmapFlagString(inc.newFlags >>> 0)}`);
  if (inc.newMaxOsd >= 0) out.push(`max_osd ${inc.newMaxOsd}`);
  if (inc.newPoolMax !== -1n) out.push(`pool_max ${inc.newPoolMax}`);
  if (inc.crush.length > 0) out.push(`crush map replaced: ${inc.crush.length} bytes`);
  if (inc.newFullRatio >= 0) out.push(`full_ratio ${formatG(inc.newFullRatio)}`);
  if (inc.newBackfillfullRatio >= 0) out.push(`backfillfull_ratio ${formatG(inc.newBackfillfullRatio)}`);
  if (inc.newNearfullRatio >= 0) out.push(`nearfull_ratio ${formatG(inc.newNearfullRatio)}`);
  if (inc.newRequireMinCompatClient !== 0xff) out.push(`require_min_compat_client ${releaseName(inc.newRequireMinCompatClient)}`);
  if (inc.newRequireOsdRelease !== 0xff) out.push(`require_osd_release ${releaseName(inc.newRequireOsdRelease)}`);
  if (inc.clusterSnapshot) out.push(`cluster_snapshot ${inc.clusterSnapshot}`);
  if (inc.changeStretchMode) out.push(`stretch_mode_enabled ${inc.stretchModeEnabled ? 'true' : 'false'}`);
  for (const [pool, snaps] of sortedByNumber(inc.newRemovedSnaps)) out.push(`pool ${pool} new_removed_snaps ${formatSnapIntervals(snaps)}`);
  for (const [pool, snaps] of sortedByNumber(inc.newPurgedSnaps)) out.push(`pool ${pool} new_purged_snaps ${formatSnapIntervals(snaps)}`);
  return out;
}

/** A human summary of an Incremental: one line per change, after a header line. */
export function printIncremental(inc: Incremental): string {
  const head = `osdmap incremental e${inc.epoch} fsid ${inc.fsid} modified ${formatUTimeCeph(inc.modified)} full_crc ${hex32(inc.fullCrc)}`;
  const lines = [...incMapLines(inc), ...incPoolLines(inc), ...incOsdLines(inc), ...incPgLines(inc)];
  return [head, ...(lines.length > 0 ? lines.map((l) => `  ${l}`) : ['  no changes'])].join('\n') + '\n';
}

// ---- diff text ---------------------------------------------------------------------------------

const ADDRVEC_FIELDS = new Set(['newUpClient', 'newUpCluster', 'newHbBackUp', 'newHbFrontUp']);

function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) {
      const pgEntry = x !== null && typeof x === 'object' && 'pg' in x && 'value' in x;
      out[pgEntry ? formatPg((x as { pg: PgId }).pg) : String(k)] = plain(pgEntry ? (x as { value: unknown }).value : x);
    }
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 2 && 'sec' in v && 'nsec' in v) return formatUTimeCeph(v as { sec: number; nsec: number });
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/**
 * The decoded Incremental as JSON, field by field under monctl's (camelCase) names: pools as in
 * `osd dump`, addresses and times as text, the embedded full map and CRUSH map as length and CRC.
 */
export function incrementalJson(inc: Incremental): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(inc)) {
    if (field === 'fullmap' || field === 'crush') {
      const bytes = v as Uint8Array;
      out[field] = { length: bytes.length, crc32c: crc32c(0, bytes) };
    } else if (field === 'newPools') {
      out[field] = sortedByNumber(inc.newPools).map(([id, p]) => dumpPgPool(p, { id, name: inc.newPoolNames.get(id) ?? '<unknown>' }));
    } else if (ADDRVEC_FIELDS.has(field)) {
      out[field] = Object.fromEntries(sortedByNumber(v as Map<number, EntityAddrvec>).map(([id, av]) => [String(id), formatEntityAddrvec(av)]));
    } else if (field === 'newBlocklist' || field === 'newRangeBlocklist') {
      out[field] = Object.fromEntries(sortedAddrEntries(v as AddrMap).map((e) => [formatEntityAddr(e.addr), formatUTimeCeph(e.until)]));
    } else if (field === 'oldBlocklist' || field === 'oldRangeBlocklist') {
      out[field] = (v as EntityAddr[]).map(formatEntityAddr);
    } else if (field === 'newXinfo') {
      out[field] = Object.fromEntries(sortedByNumber(inc.newXinfo).map(([id, x]) => [String(id), dumpOsdXinfo(x)]));
    } else out[field] = plain(v);
  }
  return out;
}

// ---- JSON text as Ceph's JSONFormatter writes it ------------------------------------------------
