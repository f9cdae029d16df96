/**
 * pool_opts_t (Ceph src/osd/osd_types.cc pool_opts_t::encode): the per-pool options map, `ceph osd pool set` keys such as
 * pg_num_min or compression_mode. Envelope v2 (v1 without SERVER_NAUTILUS), compat 1; per
 * option an s32 key, an s32 value type and the value. v1 stores INT values as s32, v2 as s64.
 */
import { Reader, Writer } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { FEATURE, hasFeature } from '../msg/features.js';

export const POOL_OPT_TYPE = { STR: 0, INT: 1, DOUBLE: 2 } as const;

/** Key numbers Ceph appends over time; unknown keys are kept by number. */
export const POOL_OPT_NAMES: readonly string[] = [
  'scrub_min_interval',
  'scrub_max_interval',
  'deep_scrub_interval',
  'recovery_priority',
  'recovery_op_priority',
  'scrub_priority',
  'compression_mode',
  'compression_algorithm',
  'compression_required_ratio',
  'compression_max_blob_size',
  'compression_min_blob_size',
  'csum_type',
  'csum_max_block',
  'csum_min_block',
  'fingerprint_algorithm',
  'pg_num_min',
  'target_size_bytes',
  'target_size_ratio',
  'pg_autoscale_bias',
  'read_lease_interval',
  'dedup_tier',
  'dedup_chunk_algorithm',
  'dedup_cdc_chunk_size',
  'pg_num_max',
  'read_ratio',
  'pct_update_delay',
];

export type PoolOptValue =
  | { type: 0; value: string }
  | { type: 1; value: bigint }
  | { type: 2; value: number };

export interface PoolOpt {
  key: number;
  opt: PoolOptValue;
}

export interface PoolOpts {
  /** Sorted by key, as Ceph's std::map writes them. */
  opts: PoolOpt[];
  /** struct_v as decoded (2 for Nautilus and later); re-encoding keeps it unless features say otherwise. */
  structV?: number;
  /** Bytes of a newer minor version, kept for byte-exact re-encoding. */
  tail?: Uint8Array;
}

export function decodePoolOpts(r: Reader): PoolOpts {
  const env = r.envelope('pool_opts_t', 2);
  const n = r.count('pool_opts_t', 9);
  const opts: PoolOpt[] = [];
  for (let i = 0; i < n; i++) {
    const key = r.s32('pool_opts_t key');
    const at = r.pos;
    const type = r.s32('pool_opts_t value type');
    let opt: PoolOptValue;
    if (type === POOL_OPT_TYPE.STR) opt = { type: 0, value: r.string('pool_opts_t string') };
    else if (type === POOL_OPT_TYPE.INT) {
      // Luminous/Mimic encoders (v1) wrote INT options as 32 bits.
      opt = { type: 1, value: env.version >= 2 ? r.s64('pool_opts_t int') : BigInt(r.s32('pool_opts_t int')) };
    } else if (type === POOL_OPT_TYPE.DOUBLE) opt = { type: 2, value: r.f64('pool_opts_t double') };
    else {
      throw new MonctlError('DECODE_INVALID', `pool_opts_t option ${key} has unknown value type ${type}`, {
        offset: at,
        actions: ['The value is corrupt: restore it from a backup or another monitor.'],
      });
    }
    opts.push({ key, opt });
  }
  const tail = r.finish(env, 'pool_opts_t');
  return { opts, structV: env.version, ...(tail.length > 0 ? { tail } : {}) };
}

/** Without `features`, writes the version the options were decoded from (default 2). */
export function encodePoolOpts(w: Writer, o: PoolOpts, features?: bigint): void {
  const v =
    features === undefined
      ? (o.structV ?? 2)
      : hasFeature(features, FEATURE.SERVER_NAUTILUS)
        ? Math.max(2, o.structV ?? 2)
        : 1;
  const mark = w.envelope(v, 1);
  const sorted = [...o.opts].sort((a, b) => a.key - b.key);
  w.u32(sorted.length);
  for (const { key, opt } of sorted) {
    w.s32(key).s32(opt.type);
    if (opt.type === 0) w.string(opt.value);
    else if (opt.type === 1) {
      if (v >= 2) w.s64(opt.value);
      else w.s32(Number(BigInt.asIntN(32, opt.value)));
    } else w.f64(opt.value);
  }
  if (v === o.structV && o.tail) w.raw(o.tail);
  w.finish(mark);
}

export function poolOptName(key: number): string {
  return POOL_OPT_NAMES[key] ?? `opt_${key}`;
}

/**
 * How many of POOL_OPT_NAMES `release`'s opt_mapping names (checked against each release's
 * osdmaptool): through pg_num_max to Reef, read_ratio from Squid, pct_update_delay in Tentacle.
 */
export function poolOptsKnown(release: number): number {
  const last = release >= 20 ? 'pct_update_delay' : release >= 19 ? 'read_ratio' : 'pg_num_max';
  return POOL_OPT_NAMES.indexOf(last) + 1;
}

/**
 * `options: {name: value}` as `release`'s `osd dump` prints it (default: the newest known):
 * Ceph walks its name → key table, so the options come out sorted by name, and keys it has no
 * name for are not printed.
 */
export function dumpPoolOpts(o: PoolOpts, release = 20): Record<string, string | number | bigint> {
  const known = poolOptsKnown(release);
  const named = o.opts
    .filter(({ key }) => key < known)
    .map(({ key, opt }) => [POOL_OPT_NAMES[key]!, opt.value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(named);
}
