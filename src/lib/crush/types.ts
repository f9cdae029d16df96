/**
 * The CRUSH map as CrushWrapper encodes it (Ceph src/crush/CrushWrapper.cc CrushWrapper::encode). The model keeps every encoded
 * field, including the ones Ceph recomputes after decoding (max_devices, bucket weights), so
 * that decode → encode gives back the input bytes.
 *
 * Weights are 16.16 fixed point held as unsigned 32-bit numbers (0x10000 = 1.0).
 */
import { MonctlError } from '../errors.js';

/** First u32 of every encoded CRUSH map. */
export const CRUSH_MAGIC = 0x00010000;

/** Bucket algorithms (crush.h `CRUSH_BUCKET_*`). */
export const BUCKET_UNIFORM = 1;
export const BUCKET_LIST = 2;
export const BUCKET_TREE = 3;
export const BUCKET_STRAW = 4;
export const BUCKET_STRAW2 = 5;

/** Uniform, list and straw: the algorithms allowed when allowed_bucket_algs was never set. */
export const LEGACY_ALLOWED_BUCKET_ALGS = (1 << BUCKET_UNIFORM) | (1 << BUCKET_LIST) | (1 << BUCKET_STRAW);
/** The hammer profile adds straw2. */
export const HAMMER_ALLOWED_BUCKET_ALGS = LEGACY_ALLOWED_BUCKET_ALGS | (1 << BUCKET_STRAW2);

/** Rule step opcodes (crush.h `CRUSH_RULE_*`). */
export const RuleOp = {
  NOOP: 0,
  TAKE: 1,
  CHOOSE_FIRSTN: 2,
  CHOOSE_INDEP: 3,
  EMIT: 4,
  CHOOSELEAF_FIRSTN: 6,
  CHOOSELEAF_INDEP: 7,
  SET_CHOOSE_TRIES: 8,
  SET_CHOOSELEAF_TRIES: 9,
  SET_CHOOSE_LOCAL_TRIES: 10,
  SET_CHOOSE_LOCAL_FALLBACK_TRIES: 11,
  SET_CHOOSELEAF_VARY_R: 12,
  SET_CHOOSELEAF_STABLE: 13,
  /** Squid: multi-step retry rules. */
  SET_MSR_DESCENTS: 14,
  SET_MSR_COLLISION_TRIES: 15,
  CHOOSE_MSR: 16,
} as const;

/** Rule types (pg_pool_t types; Squid adds the MSR ones). */
export const RULE_TYPE_REPLICATED = 1;
export const RULE_TYPE_ERASURE = 3;
/** Squid: an msr rule whose results are packed (firstn) / positional (indep) (crush.h crush_rule_type). */
export const RULE_TYPE_MSR_FIRSTN = 4;
export const RULE_TYPE_MSR_INDEP = 5;

interface BucketCommon {
  /** s32, negative; normally −1 − slot index. */
  id: number;
  /** u16 type id (a key of typeMap). */
  type: number;
  /** u8 hash function; 0 = rjenkins1. */
  hash: number;
  /** u32 16.16 sum of the item weights, as encoded. */
  weight: number;
  /** s32 items: negative = bucket, ≥ 0 = device. */
  items: number[];
}

export interface UniformBucket extends BucketCommon {
  alg: typeof BUCKET_UNIFORM;
  /** u32: every item has this weight. */
  itemWeight: number;
}

export interface ListBucket extends BucketCommon {
  alg: typeof BUCKET_LIST;
  itemWeights: number[];
  /** Running sums of itemWeights (u32 each). */
  sumWeights: number[];
}

export interface TreeBucket extends BucketCommon {
  alg: typeof BUCKET_TREE;
  /** Encoded with a u8 count: item j's weight is node 2j+1. */
  nodeWeights: number[];
}

export interface StrawBucket extends BucketCommon {
  alg: typeof BUCKET_STRAW;
  itemWeights: number[];
  /** u32 straw lengths computed by the straw_calc_version in force when they were built. */
  straws: number[];
}

export interface Straw2Bucket extends BucketCommon {
  alg: typeof BUCKET_STRAW2;
  itemWeights: number[];
}

export type CrushBucket = UniformBucket | ListBucket | TreeBucket | StrawBucket | Straw2Bucket;

export interface CrushRuleStep {
  /** u32 opcode (RuleOp). */
  op: number;
  /** s32 */
  arg1: number;
  /** s32 */
  arg2: number;
}

export interface CrushRule {
  /** u8; Quincy and later require it to equal the rule id, Pacific does not. */
  ruleset: number;
  /** u8 rule type (1 replicated, 3 erasure). */
  type: number;
  /** u8 */
  minSize: number;
  /** u8 */
  maxSize: number;
  steps: CrushRuleStep[];
}

export interface CrushTunables {
  chooseLocalTries: number;
  chooseLocalFallbackTries: number;
  chooseTotalTries: number;
  chooseleafDescendOnce: number;
  /** u8 on the wire. */
  chooseleafVaryR: number;
  /** u8 on the wire. */
  strawCalcVersion: number;
  allowedBucketAlgs: number;
  /** u8 on the wire. */
  chooseleafStable: number;
  /** Squid: u32. */
  msrDescents: number;
  /** Squid: u32. */
  msrCollisionTries: number;
}

/** One bucket's entry in a choose_args set (crush_choose_arg). */
export interface ChooseArg {
  /** −1 − bucket id; below max_buckets. */
  bucketIndex: number;
  /** One weight vector (u32 16.16 each) per replica position. */
  weightSet: number[][];
  /** Replacement item ids (s32) for hashing. */
  ids: number[];
}

/**
 * How many of the optional trailing groups of Ceph CrushWrapper::decode, its optional tail groups the map carries. Ceph reads each
 * group only while bytes remain, so the count is what an older or feature-limited encoder wrote:
 *   1 choose_local_tries / fallback / total, 2 chooseleaf_descend_once, 3 chooseleaf_vary_r,
 *   4 straw_calc_version, 5 allowed_bucket_algs, 6 chooseleaf_stable (CRUSH_TUNABLES5),
 *   7 device classes and 8 choose_args (SERVER_LUMINOUS), 9 msr tunables (Squid).
 */
export const TAIL_GROUPS_PACIFIC = 8;
export const TAIL_GROUPS_SQUID = 9;

export interface CrushMap {
  /** s32 header field, kept as encoded (Ceph recomputes it after decoding: finalizedMaxDevices, crushAsDecoded). */
  maxDevices: number;
  /** One slot per bucket index (id −1 − i); null = empty slot. Length is max_buckets. */
  buckets: (CrushBucket | null)[];
  /** One slot per rule id; null = no rule. Length is max_rules. */
  rules: (CrushRule | null)[];
  /** type id → name. */
  typeMap: Map<number, string>;
  /** item id (bucket or device) → name. */
  nameMap: Map<number, string>;
  /** rule id → name. */
  ruleNameMap: Map<number, string>;
  tunables: CrushTunables;
  /** Number of optional trailing groups present (0–9, see TAIL_GROUPS_*). */
  tailGroups: number;
  /** device id → class id. */
  classMap: Map<number, number>;
  /** class id → class name. */
  className: Map<number, string>;
  /** original bucket id → (class id → shadow bucket id). */
  classBucket: Map<number, Map<number, number>>;
  /** choose_args sets keyed by s64 (−1 = the compat weight set, otherwise a pool id). */
  chooseArgs: Map<bigint, ChooseArg[]>;
}

/**
 * Tunables in force when a map carries none (CrushWrapper::set_tunables_legacy: the argonaut
 * profile, straw_calc_version 0). The msr values are Squid's defaults.
 */
export function legacyTunables(): CrushTunables {
  return {
    chooseLocalTries: 2,
    chooseLocalFallbackTries: 5,
    chooseTotalTries: 19,
    chooseleafDescendOnce: 0,
    chooseleafVaryR: 0,
    strawCalcVersion: 0,
    allowedBucketAlgs: LEGACY_ALLOWED_BUCKET_ALGS,
    chooseleafStable: 0,
    msrDescents: 100,
    msrCollisionTries: 100,
  };
}

/** An empty map as a Pacific encoder with every feature would write it. */
export function emptyCrushMap(): CrushMap {
  return {
    maxDevices: 0,
    buckets: [],
    rules: [],
    typeMap: new Map(),
    nameMap: new Map(),
    ruleNameMap: new Map(),
    tunables: legacyTunables(),
    tailGroups: TAIL_GROUPS_PACIFIC,
    classMap: new Map(),
    className: new Map(),
    classBucket: new Map(),
    chooseArgs: new Map(),
  };
}

/**
 * max_devices as Ceph sees it after decoding: CrushWrapper::finalize() recomputes it as one past
 * the largest device id in any bucket, then raises it to cover the largest named item.
 */
export function effectiveMaxDevices(map: CrushMap): number {
  let max = 0;
  for (const b of map.buckets) {
    if (b === null) continue;
    for (const item of b.items) if (item >= max) max = item + 1;
  }
  let lastName: number | undefined;
  for (const id of map.nameMap.keys()) if (lastName === undefined || id > lastName) lastName = id;
  if (lastName !== undefined && lastName >= max) max = lastName + 1;
  return max;
}

/**
 * max_devices exactly as CrushWrapper::finalize() sets it (crush_finalize, then name_map's
 * last key): one past the largest device in a bucket, raised to one past the largest named id,
 * in Ceph's 32-bit int arithmetic (an id of 2^31 - 1 wraps).
 */
export function finalizedMaxDevices(map: CrushMap): number {
  let max = 0;
  for (const b of map.buckets) if (b !== null) for (const item of b.items) if (item >= max) max = (item + 1) | 0;
  let last: number | undefined;
  for (const id of map.nameMap.keys()) if (last === undefined || id > last) last = id;
  if (last !== undefined && last >= max) max = (last + 1) | 0;
  return max;
}

/** Larger device ids than this are taken as corruption when listing devices (no real map comes close). */
export const MAX_LISTED_DEVICES = 1 << 20;

/**
 * effectiveMaxDevices for the dump and decompile, which list every id below it: a corrupt item
 * or name id near 2^31 would otherwise mean billions of entries.
 */
export function listedMaxDevices(map: CrushMap): number {
  const max = effectiveMaxDevices(map);
  if (max > MAX_LISTED_DEVICES) {
    throw new MonctlError('DECODE_INVALID', `CRUSH map refers to device id ${max - 1}, beyond the ${MAX_LISTED_DEVICES} devices monctl lists`, {
      actions: ['The map is probably corrupt: check it with crushtool, or restore it from a backup.'],
    });
  }
  return max;
}

/** The bucket with this (negative) id, or undefined (CrushWrapper::bucket_exists). */
export function getBucket(map: CrushMap, id: number): CrushBucket | undefined {
  if (id >= 0) return undefined;
  return map.buckets[-1 - id] ?? undefined;
}

/** Item j's weight as crush_get_bucket_item_weight reads it (tree: node 2j+1). */
export function bucketItemWeight(b: CrushBucket, j: number): number {
  if (j < 0 || j >= b.items.length) return 0;
  switch (b.alg) {
    case BUCKET_UNIFORM:
      return b.itemWeight;
    case BUCKET_TREE:
      return b.nodeWeights[2 * j + 1] ?? 0;
    case BUCKET_LIST:
    case BUCKET_STRAW:
    case BUCKET_STRAW2:
      return b.itemWeights[j] ?? 0;
  }
}

/** crush_bucket_alg_name */
export function bucketAlgName(alg: number): string {
  return ['', 'uniform', 'list', 'tree', 'straw', 'straw2'][alg] || 'unknown';
}

/** crush_hash_name */
export function hashName(hash: number): string {
  return hash === 0 ? 'rjenkins1' : 'unknown';
}

/** Entries of an integer-keyed map in Ceph's order (signed numeric). */
export function sortedEntries<V>(m: Map<number, V>): [number, V][] {
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The choose_args Ceph holds after decoding (CrushWrapper::update_choose_args, run at the end of
 * decode): args of missing or non-straw2 buckets are dropped; a weight set with the map's
 * usual number of positions is cut or zero-padded to the bucket's size. The encoded args are
 * kept untouched in the model; dump and decompile show this view.
 */
export function effectiveChooseArgs(map: CrushMap): Map<bigint, ChooseArg[]> {
  const out = new Map<bigint, ChooseArg[]>();
  const keys = [...map.chooseArgs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    const args = map.chooseArgs.get(key)!;
    // Positions are inferred from the first arg that has a weight set, before any stripping.
    const positions = args.find((a) => a.weightSet.length > 0)?.weightSet.length ?? 1;
    const kept: ChooseArg[] = [];
    for (const a of args) {
      const b = map.buckets[a.bucketIndex];
      if (b === null || b === undefined || b.alg !== BUCKET_STRAW2) continue;
      let weightSet = a.weightSet;
      if (weightSet.length === positions) {
        const size = b.items.length;
        weightSet = weightSet.map((ws) => Array.from({ length: size }, (_, k) => ws[k] ?? 0));
      }
      kept.push({ bucketIndex: a.bucketIndex, weightSet, ids: a.ids });
    }
    out.set(key, kept);
  }
  return out;
}
