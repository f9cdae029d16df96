import { MonctlError } from '../errors.js';
/**
 * pg_pool_t as `osdmaptool --dump json` prints an entry of `pools[]`: Ceph's field names and
 * order, epochs as strings, snap ids in the removed_snaps text in hex, flags after Ceph's
 * decode-time snap-mode adjustment.
 */
import { formatUTimeCeph } from '../msg/utime.js';
import { dumpHitSetParams } from './hit-set.js';
import { dumpPgMergeMeta } from './pg-merge-meta.js';
import { dumpPoolOpts } from './pool-opts.js';
import { dumpPoolSnapInfo } from './pool-snap.js';
import { compareBytewise } from './string-map.js';
import { POOL_FLAG, effectivePoolFlags, isStretchPool, type PgPool, type SnapInterval } from './pool.js';
import { RELEASE } from './osdmap-types.js';

/**
 * Flag names (pg_pool_t::get_flag_name) through Tentacle: crimson from Reef, ec_optimizations
 * from Tentacle (see FLAG_NAMES_KNOWN); bits with no name print as `???`.
 */
const FLAG_NAMES = [
  'hashpspool',
  'full',
  'ec_overwrites',
  'incomplete_clones',
  'nodelete',
  'nopgchange',
  'nosizechange',
  'write_fadvise_dontneed',
  'noscrub',
  'nodeep-scrub',
  'full_quota',
  'nearfull',
  'backfillfull',
  'selfmanaged_snaps',
  'pool_snaps',
  'creating',
  'eio',
  'bulk',
  'crimson',
  'ec_optimizations',
];

/** How many of FLAG_NAMES each release's get_flag_name knows (checked against each osdmaptool). */
function flagNamesKnown(release: number): number {
  if (release >= RELEASE.TENTACLE) return FLAG_NAMES.length;
  if (release >= RELEASE.REEF) return FLAG_NAMES.indexOf('crimson') + 1;
  return FLAG_NAMES.indexOf('bulk') + 1;
}

/** pg_pool_t::get_flags_string of `release` (default: the newest known). */
export function poolFlagsString(flags: bigint, release: number = RELEASE.TENTACLE): string {
  const known = flagNamesKnown(release);
  const names: string[] = [];
  for (let n = 0; n < 64; n++) {
    if ((flags >> BigInt(n)) & 1n) names.push(n < known ? FLAG_NAMES[n]! : '???');
  }
  return names.join(',');
}

/** shard_id_set's operator<<: `{1,2}`. */
function formatShardSet(shards: readonly number[]): string {
  return `{${shards.join(',')}}`;
}

const CACHE_MODES = ['none', 'writeback', 'forward', 'readonly', 'readforward', 'readproxy', 'proxy'];
const AUTOSCALE_MODES = ['off', 'warn', 'on'];

/** interval_set<snapid_t> text: `[start~len,…]`, both in hex as snapid_t prints. */
export function formatSnapIntervals(set: readonly SnapInterval[]): string {
  return `[${set.map((i) => `${i.start.toString(16)}~${i.len.toString(16)}`).join(',')}]`;
}

/** Ceph's calc_grade_table(): hit_set_count grades, each decayed from the previous one. */
/** Far above any real pool (a cache tier keeps a few dozen hit sets). */
const MAX_HIT_SET_COUNT = 1 << 16;

export function gradeTable(p: PgPool): number[] {
  // Ceph sizes the table by hit_set_count as read; a corrupt count would make it enormous.
  if (p.hitSetCount > MAX_HIT_SET_COUNT) {
    throw new MonctlError('DECODE_INVALID', `pool hit_set_count ${p.hitSetCount} is implausible (more than ${MAX_HIT_SET_COUNT}): the pool is corrupt`, {
      actions: ['Restore the map from a backup or another monitor.'],
    });
  }
  const out: number[] = [];
  let v = 1000000;
  for (let i = 0; i < p.hitSetCount; i++) {
    v = Math.trunc(v * (1 - p.hitSetGradeDecayRate / 100.0)) >>> 0;
    out.push(v);
  }
  return out;
}

/** dump_unsigned of a signed field: a negative value prints as its u64 image. */
function unsigned(n: number): number | bigint {
  return n < 0 ? BigInt.asUintN(64, BigInt(n)) : n;
}

/**
 * One `pools[]` entry as `release`'s pg_pool_t::dump writes it (default: Pacific). `id` and
 * `name` come from the OSDMap (its pool_name map) and are printed first when given, as
 * OSDMap::dump does. Tentacle adds is_stretch_pool and nonprimary_shards.
 */
export function dumpPgPool(p: PgPool, ident?: { id: number | bigint; name: string }, release: number = RELEASE.PACIFIC): Record<string, unknown> {
  const tentacle = release >= RELEASE.TENTACLE;
  const flags = effectivePoolFlags(p);
  const apps = [...p.applicationMetadata].sort(([a], [b]) => compareBytewise(a, b));
  return {
    ...(ident ? { pool: ident.id, pool_name: ident.name } : {}),
    create_time: formatUTimeCeph(p.createTime),
    flags,
    flags_names: poolFlagsString(flags, release),
    type: p.type,
    size: p.size,
    min_size: p.minSize,
    crush_rule: p.crushRule,
    peering_crush_bucket_count: p.peeringCrush.bucketCount,
    peering_crush_bucket_target: p.peeringCrush.bucketTarget,
    peering_crush_bucket_barrier: p.peeringCrush.bucketBarrier,
    peering_crush_bucket_mandatory_member: p.peeringCrush.mandatoryMember,
    ...(tentacle ? { is_stretch_pool: isStretchPool(p) } : {}),
    object_hash: p.objectHash,
    pg_autoscale_mode: AUTOSCALE_MODES[p.pgAutoscaleMode] ?? '???',
    pg_num: p.pgNum,
    pg_placement_num: p.pgpNum,
    pg_placement_num_target: p.pgpNumTarget,
    pg_num_target: p.pgNumTarget,
    pg_num_pending: p.pgNumPending,
    last_pg_merge_meta: dumpPgMergeMeta(p.lastPgMergeMeta),
    last_change: String(p.lastChange),
    last_force_op_resend: String(p.lastForceOpResend),
    last_force_op_resend_prenautilus: String(p.lastForceOpResendPrenautilus),
    last_force_op_resend_preluminous: String(p.lastForceOpResendPreluminous),
    auid: p.auid,
    snap_mode: (flags & POOL_FLAG.POOL_SNAPS) !== 0n ? 'pool' : 'selfmanaged',
    snap_seq: p.snapSeq,
    snap_epoch: p.snapEpoch,
    pool_snaps: [...p.snaps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => dumpPoolSnapInfo(s)),
    removed_snaps: formatSnapIntervals(p.removedSnaps),
    quota_max_bytes: p.quotaMaxBytes,
    quota_max_objects: p.quotaMaxObjects,
    tiers: [...p.tiers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    tier_of: p.tierOf,
    read_tier: p.readTier,
    write_tier: p.writeTier,
    cache_mode: CACHE_MODES[p.cacheMode] ?? 'unknown',
    target_max_bytes: p.targetMaxBytes,
    target_max_objects: p.targetMaxObjects,
    cache_target_dirty_ratio_micro: p.cacheTargetDirtyRatioMicro,
    cache_target_dirty_high_ratio_micro: p.cacheTargetDirtyHighRatioMicro,
    cache_target_full_ratio_micro: p.cacheTargetFullRatioMicro,
    cache_min_flush_age: p.cacheMinFlushAge,
    cache_min_evict_age: p.cacheMinEvictAge,
    erasure_code_profile: p.erasureCodeProfile,
    hit_set_params: dumpHitSetParams(p.hitSetParams),
    hit_set_period: p.hitSetPeriod,
    hit_set_count: p.hitSetCount,
    use_gmt_hitset: p.useGmtHitset,
    min_read_recency_for_promote: unsigned(p.minReadRecencyForPromote),
    min_write_recency_for_promote: unsigned(p.minWriteRecencyForPromote),
    hit_set_grade_decay_rate: p.hitSetGradeDecayRate,
    hit_set_search_last_n: p.hitSetSearchLastN,
    grade_table: gradeTable(p),
    stripe_width: p.stripeWidth,
    expected_num_objects: p.expectedNumObjects,
    fast_read: p.fastRead,
    ...(tentacle ? { nonprimary_shards: formatShardSet(p.nonprimaryShards) } : {}),
    options: dumpPoolOpts(p.opts, release),
    application_metadata: Object.fromEntries(
      apps.map(([app, kv]) => [app, Object.fromEntries([...kv].sort(([a], [b]) => compareBytewise(a, b)))]),
    ),
  };
}
