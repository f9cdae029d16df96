/**
 * pg_pool_t (Ceph src/osd/osd_types.cc pg_pool_t::encode): one pool of an OSDMap. Pacific to Squid write v29 (v30 for a
 * stretch pool), compat 5; Tentacle writes v32 with SERVER_TENTACLE (v31 replaced the four
 * stretch fields with an optional tuple, v32 added nonprimary_shards); older feature sets get
 * older versions, down to the bare v4 and v2 forms. Anything after the last field known here
 * is kept as raw bytes. The dump (pools[] of `osd dump`) is in pool-dump.ts.
 */
import { Reader, Writer, decodeUTime, encodeUTime, type UTime } from '../encoding/index.js';
import { FEATURE, FEATURES_ALL, hasFeature } from '../msg/features.js';
import { legacyEnvelope } from '../msg/legacy-envelope.js';
import { decodeHitSetParams, encodeHitSetParams, type HitSetParams } from './hit-set.js';
import { decodePgMergeMeta, emptyPgMergeMeta, encodePgMergeMeta, type PgMergeMeta } from './pg-merge-meta.js';
import { decodePoolOpts, encodePoolOpts, type PoolOpts } from './pool-opts.js';
import { decodePoolSnapInfo, encodePoolSnapInfo, type PoolSnapInfo } from './pool-snap.js';
import { compareBytewise, decodeStringMap, encodeStringMap } from './string-map.js';

export const POOL_TYPE = { REPLICATED: 1, ERASURE: 3 } as const;
export const POOL_FLAG = {
  HASHPSPOOL: 1n << 0n,
  SELFMANAGED_SNAPS: 1n << 13n,
  POOL_SNAPS: 1n << 14n,
  CREATING: 1n << 15n,
  /** Tentacle: the optimized erasure-code I/O path (`allow_ec_optimizations`). */
  EC_OPTIMIZATIONS: 1n << 19n,
} as const;
export const CRUSH_ITEM_NONE = 0x7fffffff;
/** Highest struct_v whose fields this decoder reads; later ones are skipped and kept. */
export const PG_POOL_MAX_KNOWN_V = 32;

export interface SnapInterval {
  start: bigint;
  len: bigint;
}

/** The four stretch-pool fields (v30; an optional tuple from v31). */
export interface PeeringCrush {
  bucketCount: number;
  bucketTarget: number;
  bucketBarrier: number;
  mandatoryMember: number;
}

export interface PgPool {
  /** struct_v as decoded (or to encode when no features are given); compat is 5 from v5. */
  structV: number;
  type: number;
  size: number;
  crushRule: number;
  objectHash: number;
  pgNum: number;
  pgpNum: number;
  lastChange: number;
  snapSeq: bigint;
  snapEpoch: number;
  /** map<snapid, pool_snap_info_t>, in snapid order. */
  snaps: Map<bigint, PoolSnapInfo>;
  removedSnaps: SnapInterval[];
  auid: bigint;
  /** Flags as encoded (the dump shows Ceph's decode-time adjustment, see effectivePoolFlags). */
  flags: bigint;
  minSize: number;
  quotaMaxBytes: bigint;
  quotaMaxObjects: bigint;
  tiers: bigint[];
  tierOf: bigint;
  cacheMode: number;
  readTier: bigint;
  writeTier: bigint;
  properties: Map<string, string>;
  hitSetParams: HitSetParams;
  hitSetPeriod: number;
  hitSetCount: number;
  stripeWidth: number;
  targetMaxBytes: bigint;
  targetMaxObjects: bigint;
  cacheTargetDirtyRatioMicro: number;
  cacheTargetFullRatioMicro: number;
  cacheMinFlushAge: number;
  cacheMinEvictAge: number;
  erasureCodeProfile: string;
  lastForceOpResendPreluminous: number;
  minReadRecencyForPromote: number;
  expectedNumObjects: bigint;
  cacheTargetDirtyHighRatioMicro: number;
  minWriteRecencyForPromote: number;
  useGmtHitset: boolean;
  fastRead: boolean;
  hitSetGradeDecayRate: number;
  hitSetSearchLastN: number;
  opts: PoolOpts;
  lastForceOpResendPrenautilus: number;
  applicationMetadata: Map<string, Map<string, string>>;
  createTime: UTime;
  pgNumTarget: number;
  pgpNumTarget: number;
  pgNumPending: number;
  lastForceOpResend: number;
  pgAutoscaleMode: number;
  lastPgMergeMeta: PgMergeMeta;
  peeringCrush: PeeringCrush;
  /** v31+: whether the optional stretch tuple was present. */
  peeringCrushPresent?: boolean;
  /** v32: the erasure-code shards that may not be primary (shard_id_set), ascending. */
  nonprimaryShards: number[];
  /** v32: nonprimary_shards as decoded when its varints were not in the shortest form. */
  nonprimaryShardsRaw?: Uint8Array;
  /** Bytes after the last field this decoder knows (newer fields). */
  tail?: Uint8Array;
}

export function isStretchPool(p: PgPool): boolean {
  return p.peeringCrush.bucketCount !== 0;
}

/** Ceph's decode-time upgrade of pre-Mimic pools: a pool with snaps gets a snap mode flag. */
export function effectivePoolFlags(p: PgPool): bigint {
  if (p.snapSeq > 0n && (p.flags & (POOL_FLAG.SELFMANAGED_SNAPS | POOL_FLAG.POOL_SNAPS)) === 0n) {
    return p.flags | (p.removedSnaps.length > 0 ? POOL_FLAG.SELFMANAGED_SNAPS : POOL_FLAG.POOL_SNAPS);
  }
  return p.flags;
}

// ---- decode ---------------------------------------------------------------------------------

function decodeSnaps(r: Reader, n: number): Map<bigint, PoolSnapInfo> {
  const snaps = new Map<bigint, PoolSnapInfo>();
  for (let i = 0; i < n; i++) snaps.set(r.u64('pool snap id'), decodePoolSnapInfo(r));
  return snaps;
}

function decodeIntervals(r: Reader, n: number): SnapInterval[] {
  const out: SnapInterval[] = [];
  for (let i = 0; i < n; i++) out.push({ start: r.u64('interval start'), len: r.u64('interval length') });
  return out;
}

export function decodePgPool(r: Reader): PgPool {
  const env = legacyEnvelope(r, 'pg_pool_t', PG_POOL_MAX_KNOWN_V, 5, 5);
  const v = env.version;
  const p = defaultPool(v);
  p.type = r.u8('pool type');
  p.size = r.u8('pool size');
  p.crushRule = r.u8('pool crush_rule');
  p.objectHash = r.u8('pool object_hash');
  p.pgNum = r.u32('pool pg_num');
  p.pgpNum = r.u32('pool pgp_num');
  r.u32('pool lpg_num');
  r.u32('pool lpgp_num');
  p.lastChange = r.u32('pool last_change');
  p.snapSeq = r.u64('pool snap_seq');
  p.snapEpoch = r.u32('pool snap_epoch');
  if (v >= 3) {
    p.snaps = decodeSnaps(r, r.count('pool snaps', 8 + 6 + 8 + 4));
    p.removedSnaps = decodeIntervals(r, r.count('pool removed_snaps', 16));
    p.auid = r.u64('pool auid');
  } else {
    // Pre-PGPOOL3: both counts, then auid, then both bodies.
    const nSnaps = r.count('pool snaps', 8 + 1 + 8 + 4);
    const nRemoved = r.count('pool removed_snaps', 16);
    p.auid = r.u64('pool auid');
    p.snaps = decodeSnaps(r, nSnaps);
    p.removedSnaps = decodeIntervals(r, nRemoved);
  }
  if (v >= 4) {
    p.flags = r.u64('pool flags');
    r.u32('pool crash_replay_interval');
  }
  p.minSize = v >= 7 ? r.u8('pool min_size') : p.size - Math.floor(p.size / 2);
  if (v >= 8) {
    p.quotaMaxBytes = r.u64('pool quota_max_bytes');
    p.quotaMaxObjects = r.u64('pool quota_max_objects');
  }
  if (v >= 9) {
    p.tiers = r.list('pool tiers', (x) => x.u64('tier'), 8);
    p.tierOf = r.s64('pool tier_of');
    p.cacheMode = r.u8('pool cache_mode');
    p.readTier = r.s64('pool read_tier');
    p.writeTier = r.s64('pool write_tier');
  }
  if (v >= 10) p.properties = decodeStringMap(r, 'pool properties');
  if (v >= 11) {
    p.hitSetParams = decodeHitSetParams(r);
    p.hitSetPeriod = r.u32('pool hit_set_period');
    p.hitSetCount = r.u32('pool hit_set_count');
  }
  if (v >= 12) p.stripeWidth = r.u32('pool stripe_width');
  if (v >= 13) {
    p.targetMaxBytes = r.u64('pool target_max_bytes');
    p.targetMaxObjects = r.u64('pool target_max_objects');
    p.cacheTargetDirtyRatioMicro = r.u32('pool cache_target_dirty_ratio_micro');
    p.cacheTargetFullRatioMicro = r.u32('pool cache_target_full_ratio_micro');
    p.cacheMinFlushAge = r.u32('pool cache_min_flush_age');
    p.cacheMinEvictAge = r.u32('pool cache_min_evict_age');
  }
  if (v >= 14) p.erasureCodeProfile = r.string('pool erasure_code_profile');
  if (v >= 15) p.lastForceOpResendPreluminous = r.u32('pool last_force_op_resend_preluminous');
  if (v >= 16) p.minReadRecencyForPromote = r.s32('pool min_read_recency_for_promote');
  if (v >= 17) p.expectedNumObjects = r.u64('pool expected_num_objects');
  // v18 added nothing that is still encoded.
  if (v >= 19) p.cacheTargetDirtyHighRatioMicro = r.u32('pool cache_target_dirty_high_ratio_micro');
  if (v >= 20) p.minWriteRecencyForPromote = r.s32('pool min_write_recency_for_promote');
  if (v >= 21) p.useGmtHitset = r.bool('pool use_gmt_hitset');
  if (v >= 22) p.fastRead = r.bool('pool fast_read');
  if (v >= 23) {
    p.hitSetGradeDecayRate = r.u32('pool hit_set_grade_decay_rate');
    p.hitSetSearchLastN = r.u32('pool hit_set_search_last_n');
  }
  if (v >= 24) p.opts = decodePoolOpts(r);
  p.lastForceOpResendPrenautilus = v >= 25 ? r.u32('pool last_force_op_resend_prenautilus') : p.lastForceOpResendPreluminous;
  if (v >= 26) p.applicationMetadata = decodeAppMetadata(r);
  if (v >= 27) p.createTime = decodeUTime(r);
  decodeNautilusPart(r, p, v);
  if (v >= 29) p.lastPgMergeMeta = decodePgMergeMeta(r);
  if (v === 30) p.peeringCrush = decodePeeringCrush(r);
  if (v >= 31) {
    // Tentacle: optional<tuple<u32,u32,u32,u32>> in place of the four v30 fields.
    p.peeringCrushPresent = r.bool('pool peering_crush present');
    if (p.peeringCrushPresent) p.peeringCrush = decodePeeringCrush(r);
  }
  if (v >= 32) decodeNonprimaryShards(r, p);
  if (env.hasLength) {
    const tail = env.finish();
    if (tail.length > 0) p.tail = tail;
  }
  return p;
}

function decodeNautilusPart(r: Reader, p: PgPool, v: number): void {
  if (v >= 28) {
    p.pgNumTarget = r.u32('pool pg_num_target');
    p.pgpNumTarget = r.u32('pool pgp_num_target');
    p.pgNumPending = r.u32('pool pg_num_pending');
    r.u32('pool pg_num_dec_last_epoch_started (unused)');
    r.u32('pool pg_num_dec_last_epoch_clean (unused)');
    p.lastForceOpResend = r.u32('pool last_force_op_resend');
    p.pgAutoscaleMode = r.u8('pool pg_autoscale_mode');
  } else {
    p.pgNumTarget = p.pgNum;
    p.pgpNumTarget = p.pgpNum;
    p.pgNumPending = p.pgNum;
    p.lastForceOpResend = p.lastForceOpResendPrenautilus;
  }
}

function decodePeeringCrush(r: Reader): PeeringCrush {
  return {
    bucketCount: r.u32('pool peering_crush_bucket_count'),
    bucketTarget: r.u32('pool peering_crush_bucket_target'),
    bucketBarrier: r.u32('pool peering_crush_bucket_barrier'),
    mandatoryMember: r.s32('pool peering_crush_mandatory_member'),
  };
}

// ---- shard_id_set ---------------------------------------------------------------------------

/** shard_id_set (bitset_set<128, shard_id_t>): two 64-bit words, each a denc_varint. */
const SHARD_SET_WORDS = 2;

function readVarint(r: Reader, what: string): bigint {
  let v = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const b = r.u8(what);
    v |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return BigInt.asUintN(64, v);
  }
}

function writeVarint(w: Writer, v: bigint): void {
  while (v >= 0x80n) {
    w.u8(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  w.u8(Number(v));
}

function encodeShardSet(w: Writer, shards: readonly number[]): void {
  const words = new Array<bigint>(SHARD_SET_WORDS).fill(0n);
  for (const s of shards) words[Math.floor(s / 64)]! |= 1n << BigInt(s % 64);
  for (const word of words) writeVarint(w, word);
}

function readShardSet(r: Reader): number[] {
  const shards: number[] = [];
  for (let i = 0; i < SHARD_SET_WORDS; i++) {
    const word = readVarint(r, 'pool nonprimary_shards');
    for (let b = 0; b < 64; b++) if ((word >> BigInt(b)) & 1n) shards.push(i * 64 + b);
  }
  return shards;
}

function decodeNonprimaryShards(r: Reader, p: PgPool): void {
  const at = r.pos;
  p.nonprimaryShards = readShardSet(r);
  const raw = r.bytes.subarray(at, r.pos);
  const canonical = new Writer(raw.length);
  encodeShardSet(canonical, p.nonprimaryShards);
  if (Buffer.compare(Buffer.from(canonical.bytes()), Buffer.from(raw)) !== 0) p.nonprimaryShardsRaw = raw.slice();
}

/** The decoded (longer than needed) encoding, while it still holds the pool's shards. */
function rawShardSet(p: PgPool): Uint8Array | undefined {
  if (!p.nonprimaryShardsRaw) return undefined;
  const held = readShardSet(new Reader(p.nonprimaryShardsRaw));
  const same = held.length === p.nonprimaryShards.length && held.every((s, i) => s === p.nonprimaryShards[i]);
  return same ? p.nonprimaryShardsRaw : undefined;
}

function decodeAppMetadata(r: Reader): Map<string, Map<string, string>> {
  const n = r.count('pool application_metadata', 8);
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < n; i++) {
    const app = r.string('application name');
    out.set(app, decodeStringMap(r, `application ${app} metadata`));
  }
  return out;
}

/** A pool with Ceph's constructor defaults, as old encodings leave fields unset. */
export function defaultPool(structV = 29): PgPool {
  return {
    structV,
    type: POOL_TYPE.REPLICATED,
    size: 0,
    crushRule: 0,
    objectHash: 0,
    pgNum: 0,
    pgpNum: 0,
    lastChange: 0,
    snapSeq: 0n,
    snapEpoch: 0,
    snaps: new Map(),
    removedSnaps: [],
    auid: 0n,
    flags: 0n,
    minSize: 0,
    quotaMaxBytes: 0n,
    quotaMaxObjects: 0n,
    tiers: [],
    tierOf: -1n,
    cacheMode: 0,
    readTier: -1n,
    writeTier: -1n,
    properties: new Map(),
    hitSetParams: { type: 0 },
    hitSetPeriod: 0,
    hitSetCount: 0,
    stripeWidth: 0,
    targetMaxBytes: 0n,
    targetMaxObjects: 0n,
    cacheTargetDirtyRatioMicro: 400000,
    cacheTargetFullRatioMicro: 800000,
    cacheMinFlushAge: 0,
    cacheMinEvictAge: 0,
    erasureCodeProfile: '',
    lastForceOpResendPreluminous: 0,
    minReadRecencyForPromote: 0,
    expectedNumObjects: 0n,
    cacheTargetDirtyHighRatioMicro: 600000,
    minWriteRecencyForPromote: 0,
    useGmtHitset: true,
    fastRead: false,
    hitSetGradeDecayRate: 0,
    hitSetSearchLastN: 0,
    opts: { opts: [] },
    lastForceOpResendPrenautilus: 0,
    applicationMetadata: new Map(),
    createTime: { sec: 0, nsec: 0 },
    pgNumTarget: 0,
    pgpNumTarget: 0,
    pgNumPending: 0,
    lastForceOpResend: 0,
    pgAutoscaleMode: 1,
    lastPgMergeMeta: emptyPgMergeMeta(),
    peeringCrush: { bucketCount: 0, bucketTarget: 0, bucketBarrier: 0, mandatoryMember: CRUSH_ITEM_NONE },
    nonprimaryShards: [],
  };
}

// ---- encode ---------------------------------------------------------------------------------

/**
 * The struct_v pg_pool_t::encode picks for these features: Tentacle's 32 with SERVER_TENTACLE,
 * else 29 (30 for a stretch pool) down to the older forms as features are missing.
 */
export function pgPoolVersionFor(p: PgPool, features: bigint): number {
  if (!hasFeature(features, FEATURE.PGPOOL3)) return 2;
  if (!hasFeature(features, FEATURE.OSDENC)) return 4;
  if (!hasFeature(features, FEATURE.OSD_POOLRESEND)) return 14;
  if (hasFeature(features, FEATURE.SERVER_TENTACLE)) return 32;
  if (!hasFeature(features, FEATURE.NEW_OSDOP_ENCODING)) return 21;
  if (!hasFeature(features, FEATURE.SERVER_LUMINOUS)) return 24;
  if (!hasFeature(features, FEATURE.SERVER_MIMIC)) return 26;
  if (!hasFeature(features, FEATURE.SERVER_NAUTILUS)) return 27;
  return isStretchPool(p) ? 30 : 29;
}

/**
 * Without `features`, writes the version the pool was decoded from (byte-exact round trip,
 * unknown tail included); with them, the version Ceph picks for those features.
 */
export function encodePgPool(w: Writer, p: PgPool, features?: bigint): void {
  const v = features === undefined ? p.structV : pgPoolVersionFor(p, features);
  // Re-encoding as decoded: a pre-PGPOOL3 pool (v<3) also had bare pool_snap_info_t.
  const f = features ?? (v < 3 ? FEATURES_ALL & ~FEATURE.PGPOOL3 : FEATURES_ALL);
  if (v < 5) {
    w.u8(v);
    encodeBody(w, p, v, f, features);
    return;
  }
  const mark = w.envelope(v, 5);
  encodeBody(w, p, v, f, features);
  if (v === p.structV && p.tail) w.raw(p.tail);
  w.finish(mark);
}

function encodeSnapsNohead(w: Writer, p: PgPool, features: bigint): void {
  for (const [id, s] of [...p.snaps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    w.u64(id);
    encodePoolSnapInfo(w, s, features);
  }
}

function encodeBody(w: Writer, p: PgPool, v: number, f: bigint, features: bigint | undefined): void {
  w.u8(p.type).u8(p.size).u8(p.crushRule).u8(p.objectHash);
  w.u32(p.pgNum).u32(p.pgpNum).u32(0).u32(0); // lpg_num, lpgp_num: always 0
  w.u32(p.lastChange).u64(p.snapSeq).u32(p.snapEpoch);
  if (v < 3) {
    w.u32(p.snaps.size).u32(p.removedSnaps.length).u64(p.auid);
    encodeSnapsNohead(w, p, f);
    for (const i of p.removedSnaps) w.u64(i.start).u64(i.len);
    return;
  }
  w.u32(p.snaps.size);
  encodeSnapsNohead(w, p, f);
  w.list(p.removedSnaps, (x, i) => x.u64(i.start).u64(i.len));
  w.u64(p.auid);
  if (v >= 4) {
    // Pre-Mimic decoders do not know the snap-mode and creating flags.
    const preMimicMask = POOL_FLAG.SELFMANAGED_SNAPS | POOL_FLAG.POOL_SNAPS | POOL_FLAG.CREATING;
    w.u64(v >= 27 ? p.flags : p.flags & ~preMimicMask).u32(0); // crash_replay_interval: always 0
  }
  if (v >= 7) w.u8(p.minSize);
  if (v >= 8) w.u64(p.quotaMaxBytes).u64(p.quotaMaxObjects);
  if (v >= 9) {
    w.list([...p.tiers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), (x, t) => x.u64(t));
    w.s64(p.tierOf).u8(p.cacheMode).s64(p.readTier).s64(p.writeTier);
  }
  if (v >= 10) encodeStringMap(w, p.properties);
  if (v >= 11) {
    encodeHitSetParams(w, p.hitSetParams);
    w.u32(p.hitSetPeriod).u32(p.hitSetCount);
  }
  if (v >= 12) w.u32(p.stripeWidth);
  if (v >= 13) {
    w.u64(p.targetMaxBytes).u64(p.targetMaxObjects);
    w.u32(p.cacheTargetDirtyRatioMicro).u32(p.cacheTargetFullRatioMicro);
    w.u32(p.cacheMinFlushAge).u32(p.cacheMinEvictAge);
  }
  if (v >= 14) w.string(p.erasureCodeProfile);
  if (v >= 15) w.u32(p.lastForceOpResendPreluminous);
  if (v >= 16) w.s32(p.minReadRecencyForPromote);
  if (v >= 17) w.u64(p.expectedNumObjects);
  if (v >= 19) w.u32(p.cacheTargetDirtyHighRatioMicro);
  if (v >= 20) w.s32(p.minWriteRecencyForPromote);
  if (v >= 21) w.bool(p.useGmtHitset);
  if (v >= 22) w.bool(p.fastRead);
  if (v >= 23) w.u32(p.hitSetGradeDecayRate).u32(p.hitSetSearchLastN);
  if (v >= 24) encodePoolOpts(w, p.opts, features);
  if (v >= 25) w.u32(p.lastForceOpResendPrenautilus);
  if (v >= 26) {
    const apps = [...p.applicationMetadata].sort(([a], [b]) => compareBytewise(a, b));
    w.u32(apps.length);
    for (const [app, kv] of apps) encodeStringMap(w.string(app), kv);
  }
  if (v >= 27) encodeUTime(w, p.createTime);
  if (v >= 28) {
    w.u32(p.pgNumTarget).u32(p.pgpNumTarget).u32(p.pgNumPending);
    w.u32(0).u32(0); // legacy merge epochs from 14.1.0/14.1.1: written 0
    w.u32(p.lastForceOpResend).u8(p.pgAutoscaleMode);
  }
  if (v >= 29) encodePgMergeMeta(w, p.lastPgMergeMeta);
  const pc = p.peeringCrush;
  if (v === 30) w.u32(pc.bucketCount).u32(pc.bucketTarget).u32(pc.bucketBarrier).s32(pc.mandatoryMember);
  if (v >= 31) {
    // maybe_peering_crush_data(): the tuple only for a stretch pool (re-encoding as decoded:
    // as it was).
    const present = features === undefined && p.peeringCrushPresent !== undefined ? p.peeringCrushPresent : isStretchPool(p);
    w.bool(present);
    if (present) w.u32(pc.bucketCount).u32(pc.bucketTarget).u32(pc.bucketBarrier).s32(pc.mandatoryMember);
  }
  if (v >= 32) {
    const raw = features === undefined ? rawShardSet(p) : undefined;
    if (raw) w.raw(raw);
    else encodeShardSet(w, p.nonprimaryShards);
  }
}
