/**
 * OSDMap::print as Ceph writes it: the text of `osdmaptool F --print` (and of `ceph osd dump`
 * plain), Pacific's, with what Reef and later add for their maps (pg_upmap_primary lines, the
 * read balance score of Reef and Squid, release and flag names through Tentacle). Sections: the header fields, a blank line, one line per pool (with
 * its snaps and removed snaps indented by a tab), a blank line, `max_osd` and one line per
 * existing OSD, a blank line, then the pg overrides and blocklists.
 *
 * Numbers follow C++ ostream defaults: floats print as printf("%g") with 6 significant digits,
 * sets as `a,b`, vectors as `[a,b]`, snap ids in hex. Times print in UTC (Ceph prints local
 * time; the reference outputs were made on hosts in UTC).
 *
 * Also here, the other text forms of OSDMap data: an Incremental's summary and JSON (no Ceph
 * tool decodes incrementals), the lines of `osdmap diff`, and compact JSON as Ceph's
 * JSONFormatter writes it (`osdmaptool --dump json`, byte for byte).
 */
import { formatEntityAddr, formatEntityAddrvec } from '../msg/entity-addr.js';
import { formatUTimeCeph } from '../msg/utime.js';
import { minCompatClient, osdStateSet, osdmapFlagString } from './dump.js';
import { hitSetTypeName } from './hit-set.js';
import { blocklistInCephOrder } from './blocklist-order.js';
import { sortedAddrEntries, sortedByNumber, sortedPgEntries } from './osdmap-codec.js';
import {
  CEPH_OSD_IN,
  DEFAULT_PRIMARY_AFFINITY,
  OSD_STATE,
  RELEASE,
  effectiveFlags,
  effectiveRequireOsdRelease,
  type OSDMap,
} from './osdmap-types.js';
import { formatPg } from './pg.js';
import { formatSnapIntervals, poolFlagsString } from './pool-dump.js';
import { POOL_OPT_NAMES, poolOptsKnown } from './pool-opts.js';
import { POOL_TYPE, effectivePoolFlags, type PgPool } from './pool.js';
import { readBalanceScore } from './read-balance.js';
import { asDecodedBy, releaseNameAs, textRelease } from './release-view.js';
import { compareBytewise } from './string-map.js';

// ---- C++ number formatting -------------------------------------------------------------------

/** |x| as an exact fraction num / den (den a power of two). */
function exactFraction(x: number): { num: bigint; den: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074;
  else mant |= 1n << 52n;
  return exp >= 0 ? { num: mant << BigInt(exp), den: 1n } : { num: mant, den: 1n << BigInt(-exp) };
}

/** round(num / den) with ties to even, as glibc's printf rounds an exact binary value. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** printf("%.Nf", x), exact. */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
  const { num, den } = exactFraction(x);
  const q = roundHalfEven(num * 10n ** BigInt(decimals), den);
  const s = q.toString().padStart(decimals + 1, '0');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return decimals === 0 ? `${sign}${s}` : `${sign}${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

/** printf("%g", x) with `precision` significant digits: what `ostream << double` prints. */
export function formatG(x: number, precision = 6): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const p = Math.max(1, precision);
  const { num, den } = exactFraction(x);
  // Decimal exponent k with 10^k <= |x| < 10^(k+1), from an estimate corrected exactly.
  let k = Math.floor(Math.log10(Math.abs(x)));
  const pow = (n: number): bigint => 10n ** BigInt(n);
  const atLeast = (e: number): boolean => (e >= 0 ? num >= pow(e) * den : num * pow(-e) >= den);
  while (!atLeast(k)) k--;
  while (atLeast(k + 1)) k++;
  const shift = p - 1 - k;
  let digits = shift >= 0 ? roundHalfEven(num * pow(shift), den) : roundHalfEven(num, den * pow(-shift));
  if (digits === pow(p)) {
    digits /= 10n;
    k++;
  }
  const ds = digits.toString();
  const trim = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (k < -4 || k >= p) {
    const mant = trim(ds.length > 1 ? `${ds[0]}.${ds.slice(1)}` : ds);
    const e = Math.abs(k);
    return `${sign}${mant}e${k < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  // Fixed notation with p-1-k decimals.
  const decimals = p - 1 - k;
  let s: string;
  if (decimals <= 0) s = ds + '0'.repeat(-decimals);
  else {
    const padded = ds.padStart(decimals + 1, '0');
    s = `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
  }
  return sign + trim(s);
}

/** A u32/float OSDMap weight (16.16 fixed point) as Ceph's float get_weightf() holds it. */
export function weightFloat16(w: number): number {
  return Math.fround(Math.fround(w >>> 0) / CEPH_OSD_IN);
}

// ---- pools -----------------------------------------------------------------------------------

const CACHE_MODES = ['none', 'writeback', 'forward', 'readonly', 'readforward', 'readproxy', 'proxy'];
const AUTOSCALE_MODES = ['off', 'warn', 'on'];
/** pg_autoscale_mode_t::UNKNOWN (u8 max): the mode is not printed. */
const AUTOSCALE_UNKNOWN = 0xff;

/** snapid_t's operator<<: hex, with the two special ids named. */
export function formatSnapId(s: bigint): string {
  if (s === 0xfffffffffffffffen) return 'head';
  if (s === 0xffffffffffffffffn) return 'snapdir';
  return s.toString(16);
}

function hitSetText(p: PgPool): string {
  const params = p.hitSetParams;
  const impl = params.bloom
    ? `false_positive_probability: ${formatG(params.bloom.fppMicro / 1_000_000)}, target_size: ${params.bloom.targetSize}, seed: ${params.bloom.seed}`
    : '';
  return `${hitSetTypeName(params.type)}{${impl}}`;
}

/** pool_opts_t's operator<<: ` name value` per option the release names (poolOptsKnown), by name. */
function poolOptsText(p: PgPool, release: number): string {
  const printed = poolOptsKnown(release);
  const byName = p.opts.opts
    .filter(({ key }) => key < printed)
    .map(({ key, opt }) => [POOL_OPT_NAMES[key]!, opt.type === 2 ? formatG(opt.value) : String(opt.value)] as const)
    .sort(([a], [b]) => compareBytewise(a, b));
  return byName.map(([name, v]) => ` ${name} ${v}`).join('');
}

/** pg_pool_t's operator<< (the text after `pool N 'name' `) as `release` prints it (default: the newest known). */
export function formatPgPool(p: PgPool, release: number = RELEASE.TENTACLE): string {
  const typeName = p.type === POOL_TYPE.REPLICATED ? 'replicated' : p.type === POOL_TYPE.ERASURE ? 'erasure' : '???';
  let s = typeName;
  if (typeName === 'erasure') s += ` profile ${p.erasureCodeProfile}`;
  const hashName = p.objectHash === 1 ? 'linux' : p.objectHash === 2 ? 'rjenkins' : 'unknown';
  s += ` size ${p.size} min_size ${p.minSize} crush_rule ${p.crushRule} object_hash ${hashName} pg_num ${p.pgNum} pgp_num ${p.pgpNum}`;
  if (p.pgNumTarget !== p.pgNum) s += ` pg_num_target ${p.pgNumTarget}`;
  if (p.pgpNumTarget !== p.pgpNum) s += ` pgp_num_target ${p.pgpNumTarget}`;
  if (p.pgNumPending !== p.pgNum) s += ` pg_num_pending ${p.pgNumPending}`;
  if (p.pgAutoscaleMode !== AUTOSCALE_UNKNOWN) s += ` autoscale_mode ${AUTOSCALE_MODES[p.pgAutoscaleMode] ?? '???'}`;
  s += ` last_change ${p.lastChange}`;
  if (p.lastForceOpResend || p.lastForceOpResendPrenautilus || p.lastForceOpResendPreluminous) {
    s += ` lfor ${p.lastForceOpResend}/${p.lastForceOpResendPrenautilus}/${p.lastForceOpResendPreluminous}`;
  }
  if (p.auid) s += ` owner ${p.auid}`;
  const flags = effectivePoolFlags(p);
  if (flags) s += ` flags ${poolFlagsString(flags, release)}`;
  if (p.quotaMaxBytes) s += ` max_bytes ${p.quotaMaxBytes}`;
  if (p.quotaMaxObjects) s += ` max_objects ${p.quotaMaxObjects}`;
  if (p.tiers.length > 0) s += ` tiers ${[...p.tiers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',')}`;
  if (p.tierOf >= 0n) s += ` tier_of ${p.tierOf}`;
  if (p.readTier >= 0n) s += ` read_tier ${p.readTier}`;
  if (p.writeTier >= 0n) s += ` write_tier ${p.writeTier}`;
  if (p.cacheMode) s += ` cache_mode ${CACHE_MODES[p.cacheMode] ?? 'unknown'}`;
  if (p.targetMaxBytes) s += ` target_bytes ${p.targetMaxBytes}`;
  if (p.targetMaxObjects) s += ` target_objects ${p.targetMaxObjects}`;
  if (p.hitSetParams.type !== 0) {
    s += ` hit_set ${hitSetText(p)} ${p.hitSetPeriod}s x${p.hitSetCount} decay_rate ${p.hitSetGradeDecayRate} search_last_n ${p.hitSetSearchLastN}`;
  }
  if (p.minReadRecencyForPromote) s += ` min_read_recency_for_promote ${p.minReadRecencyForPromote}`;
  if (p.minWriteRecencyForPromote) s += ` min_write_recency_for_promote ${p.minWriteRecencyForPromote}`;
  s += ` stripe_width ${p.stripeWidth}`;
  if (p.expectedNumObjects) s += ` expected_num_objects ${p.expectedNumObjects}`;
  // `ostream << bool` prints 1.
  if (p.fastRead) s += ' fast_read 1';
  s += poolOptsText(p, release);
  if (p.applicationMetadata.size > 0) s += ` application ${[...p.applicationMetadata.keys()].sort(compareBytewise).join(',')}`;
  return s;
}

/**
 * The read balance score Reef and later print after a replicated pool (OSDMap::print_pools), and
 * the line of its message, if any (Pacific prints no score).
 */
function readBalanceText(m: OSDMap, id: number, p: PgPool, release: number): { score: string; message: string } {
  if (p.type !== POOL_TYPE.REPLICATED || release < RELEASE.REEF) return { score: '', message: '' };
  const { rc, info } = readBalanceScore(m, id, release);
  const score = rc >= 0 ? ` read_balance_score ${info.actingAdjScore.toFixed(2)}` : '';
  const message = info.errMsg.length > 0 ? `${rc < 0 ? ' ERROR: ' : ' Warning: '}${info.errMsg}\n` : '';
  return { score, message };
}

function printPools(m: OSDMap, release: number): string {
  let out = '';
  for (const [id, p] of sortedByNumber(m.pools)) {
    const rb = readBalanceText(m, id, p, release);
    out += `pool ${id} '${m.poolName.get(id) ?? '<unknown>'}' ${formatPgPool(p, release)}${rb.score}\n${rb.message}`;
    for (const [, snap] of [...p.snaps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out += `\tsnap ${formatSnapId(snap.snapid)} '${snap.name}' ${formatUTimeCeph(snap.stamp)}\n`;
    }
    if (p.removedSnaps.length > 0) out += `\tremoved_snaps ${formatSnapIntervals(p.removedSnaps)}\n`;
    const queued = m.removedSnapsQueue.get(id);
    if (queued !== undefined) out += `\tremoved_snaps_queue ${formatSnapIntervals(queued)}\n`;
  }
  return out + '\n';
}

// ---- OSDs ------------------------------------------------------------------------------------

export const osdExists = (m: OSDMap, i: number): boolean => i >= 0 && i < m.maxOsd && ((m.osdState[i] ?? 0) & OSD_STATE.EXISTS) !== 0;
export const osdIsUp = (m: OSDMap, i: number): boolean => osdExists(m, i) && ((m.osdState[i] ?? 0) & OSD_STATE.UP) !== 0;
export const osdIsIn = (m: OSDMap, i: number): boolean => osdExists(m, i) && (m.osdWeight[i] ?? 0) !== 0;

/** The raw 16.16 primary affinity (the default when the map has no affinity vector). */
export function primaryAffinity(m: OSDMap, i: number): number {
  return m.osdPrimaryAffinity?.[i] ?? DEFAULT_PRIMARY_AFFINITY;
}

function printOsd(m: OSDMap, i: number): string {
  let s = `osd.${i}${osdIsUp(m, i) ? ' up  ' : ' down'}${osdIsIn(m, i) ? ' in ' : ' out'}`;
  s += ` weight ${formatG(weightFloat16(m.osdWeight[i] ?? 0))}`;
  const aff = primaryAffinity(m, i);
  if (aff !== DEFAULT_PRIMARY_AFFINITY) s += ` primary_affinity ${formatG(weightFloat16(aff))}`;
  const info = m.osdInfo[i];
  if (info) {
    s += ` up_from ${info.upFrom} up_thru ${info.upThru} down_at ${info.downAt} last_clean_interval [${info.lastCleanBegin},${info.lastCleanEnd})`;
    if (info.lostAt) s += ` lost_at ${info.lostAt}`;
  }
  s += ` ${formatEntityAddrvec(m.clientAddrs[i] ?? { v: [] })} ${formatEntityAddrvec(m.clusterAddrs[i] ?? { v: [] })}`;
  s += ` ${osdStateSet(m.osdState[i] ?? 0).join(',')}`;
  const uuid = m.osdUuid[i];
  if (uuid !== undefined && uuid !== '00000000-0000-0000-0000-000000000000') s += ` ${uuid}`;
  return s + '\n';
}

function printOverrides(m: OSDMap): string {
  let out = '';
  for (const e of sortedPgEntries(m.pgUpmap)) out += `pg_upmap ${formatPg(e.pg)} [${e.value.join(',')}]\n`;
  for (const e of sortedPgEntries(m.pgUpmapItems)) out += `pg_upmap_items ${formatPg(e.pg)} [${e.value.flat().join(',')}]\n`;
  for (const e of sortedPgEntries(m.pgUpmapPrimaries)) out += `pg_upmap_primary ${formatPg(e.pg)} ${e.value}\n`;
  for (const e of sortedPgEntries(m.pgTemp)) out += `pg_temp ${formatPg(e.pg)} [${e.value.join(',')}]\n`;
  for (const e of sortedPgEntries(m.primaryTemp)) out += `primary_temp ${formatPg(e.pg)} ${e.value}\n`;
  // Hash-table order, as osdmaptool walks Ceph's unordered blocklist.
  for (const e of blocklistInCephOrder(m.blocklist)) out += `blocklist ${formatEntityAddr(e.addr)} expires ${formatUTimeCeph(e.until)}\n`;
  for (const e of sortedAddrEntries(m.rangeBlocklist)) {
    out += `range blocklist ${formatEntityAddr(e.addr)} expires ${formatUTimeCeph(e.until)}\n`;
  }
  return out;
}

function printHeader(m: OSDMap, release: number): string {
  const name = (r: number) => releaseNameAs(r, release);
  let out = `epoch ${m.epoch}\nfsid ${m.fsid}\ncreated ${formatUTimeCeph(m.created)}\nmodified ${formatUTimeCeph(m.modified)}\n`;
  out += `flags ${osdmapFlagString(effectiveFlags(m), release)}\n`;
  out += `crush_version ${m.crushVersion}\n`;
  out += `full_ratio ${formatG(m.fullRatio)}\nbackfillfull_ratio ${formatG(m.backfillfullRatio)}\nnearfull_ratio ${formatG(m.nearfullRatio)}\n`;
  if (m.requireMinCompatClient !== RELEASE.UNKNOWN) out += `require_min_compat_client ${name(m.requireMinCompatClient)}\n`;
  out += `min_compat_client ${name(minCompatClient(m, release))}\n`;
  const osdRelease = effectiveRequireOsdRelease(m);
  if (osdRelease > RELEASE.UNKNOWN) out += `require_osd_release ${name(osdRelease)}\n`;
  out += `stretch_mode_enabled ${m.stretchModeEnabled ? 'true' : 'false'}\n`;
  if (m.stretchModeEnabled) {
    out += `stretch_bucket_count ${m.stretchBucketCount}\ndegraded_stretch_mode ${m.degradedStretchMode}\n`;
    out += `recovering_stretch_mode ${m.recoveringStretchMode}\nstretch_mode_bucket ${m.stretchModeBucket}\n`;
  }
  if (m.clusterSnapshot.length > 0) out += `cluster_snapshot ${m.clusterSnapshot}\n`;
  if (m.allowCrimson) out += 'allow_crimson=true\n';
  return out + '\n';
}

/**
 * The exact text of `osdmaptool F --print` of `named` (default: the map's require_osd_release,
 * see release-view.ts), ending in a newline.
 */
export function printOSDMap(map: OSDMap, named?: number): string {
  const release = textRelease(map, named);
  const m = asDecodedBy(map, release);
  let out = printHeader(m, release) + printPools(m, release);
  out += `max_osd ${m.maxOsd}\n`;
  for (let i = 0; i < m.maxOsd; i++) if (osdExists(m, i)) out += printOsd(m, i);
  out += '\n';
  return out + printOverrides(m);
}

// ---- Incremental summary -----------------------------------------------------------------------

/**
 * Compact JSON as Ceph's JSONFormatter prints it (`osdmaptool --dump json`): floats with 17
 * significant digits (`0.94999998807907104`), integers and u64 values plain, no spaces.
 */
export function cephJsonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatG(v, 17);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('hex'));
  if (Array.isArray(v)) return `[${v.map(cephJsonText).join(',')}]`;
  const fields = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{${fields.map(([k, x]) => `${JSON.stringify(k)}:${cephJsonText(x)}`).join(',')}}`;
}
