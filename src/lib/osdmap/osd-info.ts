/**
 * osd_info_t and osd_xinfo_t (Ceph src/osd/OSDMap.cc osd_info_t::encode; osd_xinfo_t::encode): the per-OSD epochs and extended info
 * of an OSDMap.
 *
 * osd_info_t has no envelope: a bare u8 version (1) and six u32 epochs.
 * osd_xinfo_t is enveloped, v4 compat 1 (v3 without SERVER_OCTOPUS). Its laggy probability
 * is a float on Ceph's side, stored as `(u32)(p × 0xffffffff)`; Ceph decodes it to a float
 * and encodes it back from that float, so the raw u32 is kept and every encode repeats
 * Ceph's float round trip (which is the identity for values Ceph itself wrote).
 */
import { Reader, Writer, decodeUTime, encodeUTime, type UTime } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { hasFeature } from '../msg/features.js';
import { formatUTimeCeph } from '../msg/utime.js';

/** Bit 16 in incarnation 3 (bits 57 and 28): SERVER_OCTOPUS. */
export const FEATURE_SERVER_OCTOPUS = (1n << 16n) | (1n << 57n) | (1n << 28n);
/** Highest osd_xinfo_t struct_v whose fields are read here; later tails are kept raw. */
export const OSD_XINFO_MAX_KNOWN_V = 4;

export interface OsdInfo {
  lastCleanBegin: number;
  lastCleanEnd: number;
  upFrom: number;
  upThru: number;
  downAt: number;
  lostAt: number;
}

export interface OsdXinfo {
  /** struct_v as decoded (re-encoded as is when no features are given). */
  structV: number;
  downStamp: UTime;
  /** The encoded u32 of laggy_probability. */
  laggyProbabilityRaw: number;
  laggyInterval: number;
  /** u64 features of the OSD (v≥2). */
  features: bigint;
  /** 16.16 weight remembered when the OSD was auto-marked out (v≥3). */
  oldWeight: number;
  /** v≥4 (Octopus). */
  lastPurgedSnapsScrub: UTime;
  /** v≥4 (Octopus). */
  deadEpoch: number;
  /** Bytes after the fields known here (a newer minor version). */
  tail?: Uint8Array;
}

export function emptyOsdInfo(): OsdInfo {
  return { lastCleanBegin: 0, lastCleanEnd: 0, upFrom: 0, upThru: 0, downAt: 0, lostAt: 0 };
}

export function emptyOsdXinfo(structV = OSD_XINFO_MAX_KNOWN_V): OsdXinfo {
  return {
    structV,
    downStamp: { sec: 0, nsec: 0 },
    laggyProbabilityRaw: 0,
    laggyInterval: 0,
    features: 0n,
    oldWeight: 0,
    lastPurgedSnapsScrub: { sec: 0, nsec: 0 },
    deadEpoch: 0,
  };
}

// ---- osd_info_t -----------------------------------------------------------------------------

export const OSD_INFO_ENCODED_LEN = 25;

export function decodeOsdInfo(r: Reader): OsdInfo {
  const at = r.pos;
  const v = r.u8('osd_info_t struct_v');
  if (v !== 1) {
    // Ceph reads and ignores the byte, but no encoder ever wrote anything but 1.
    throw new MonctlError('DECODE_INVALID', `osd_info_t version ${v} is not 1`, {
      offset: at,
      actions: ['The value is corrupt: restore it from a backup or another monitor.'],
    });
  }
  return {
    lastCleanBegin: r.u32('osd_info_t last_clean_begin'),
    lastCleanEnd: r.u32('osd_info_t last_clean_end'),
    upFrom: r.u32('osd_info_t up_from'),
    upThru: r.u32('osd_info_t up_thru'),
    downAt: r.u32('osd_info_t down_at'),
    lostAt: r.u32('osd_info_t lost_at'),
  };
}

export function encodeOsdInfo(w: Writer, i: OsdInfo): void {
  w.u8(1).u32(i.lastCleanBegin).u32(i.lastCleanEnd).u32(i.upFrom).u32(i.upThru).u32(i.downAt).u32(i.lostAt);
}

export function dumpOsdInfo(i: OsdInfo): Record<string, number> {
  return {
    last_clean_begin: i.lastCleanBegin,
    last_clean_end: i.lastCleanEnd,
    up_from: i.upFrom,
    up_thru: i.upThru,
    down_at: i.downAt,
    lost_at: i.lostAt,
  };
}

// ---- osd_xinfo_t ----------------------------------------------------------------------------

/** Ceph's decode: `(float)lp / (float)0xffffffff`, a float. */
export function laggyProbability(raw: number): number {
  return Math.fround(Math.fround(raw >>> 0) / Math.fround(0xffffffff));
}

/**
 * Ceph's encode of the float: `(u32)(p * float(0xffffffff))` in float arithmetic. A product of
 * 2^32 (p = 1.0) does not fit a u32; x86-64 converts through a 64-bit integer, leaving 0.
 */
export function laggyProbabilityToRaw(p: number): number {
  const product = Math.fround(Math.fround(p) * Math.fround(0xffffffff));
  const t = Math.trunc(product);
  if (!(t >= 0)) return 0;
  return Number(BigInt.asUintN(32, BigInt(t)));
}

export function osdXinfoVersionFor(features: bigint): number {
  return hasFeature(features, FEATURE_SERVER_OCTOPUS) ? 4 : 3;
}

export function decodeOsdXinfo(r: Reader): OsdXinfo {
  const env = r.envelope('osd_xinfo_t', OSD_XINFO_MAX_KNOWN_V);
  const x = emptyOsdXinfo(env.version);
  x.downStamp = decodeUTime(r);
  x.laggyProbabilityRaw = r.u32('osd_xinfo_t laggy_probability');
  x.laggyInterval = r.u32('osd_xinfo_t laggy_interval');
  if (env.version >= 2) x.features = r.u64('osd_xinfo_t features');
  if (env.version >= 3) x.oldWeight = r.u32('osd_xinfo_t old_weight');
  if (env.version >= 4) {
    x.lastPurgedSnapsScrub = decodeUTime(r);
    x.deadEpoch = r.u32('osd_xinfo_t dead_epoch');
  }
  const tail = r.finish(env, 'osd_xinfo_t');
  if (tail.length > 0) x.tail = tail;
  return x;
}

/** Without `features`: the version decoded (tail kept); with them, what Pacific writes. */
export function encodeOsdXinfo(w: Writer, x: OsdXinfo, features?: bigint): void {
  const v = features === undefined ? x.structV : osdXinfoVersionFor(features);
  const mark = w.envelope(v, 1);
  encodeUTime(w, x.downStamp);
  w.u32(laggyProbabilityToRaw(laggyProbability(x.laggyProbabilityRaw)));
  w.u32(x.laggyInterval);
  if (v >= 2) w.u64(x.features);
  if (v >= 3) w.u32(x.oldWeight);
  if (v >= 4) {
    encodeUTime(w, x.lastPurgedSnapsScrub);
    w.u32(x.deadEpoch);
  }
  if (v === x.structV && x.tail) w.raw(x.tail);
  w.finish(mark);
}

export function dumpOsdXinfo(x: OsdXinfo): Record<string, unknown> {
  return {
    down_stamp: formatUTimeCeph(x.downStamp),
    laggy_probability: laggyProbability(x.laggyProbabilityRaw),
    laggy_interval: x.laggyInterval,
    // dump_int of a u64: values with bit 63 set print negative.
    features: BigInt.asIntN(64, x.features),
    old_weight: x.oldWeight,
    last_purged_snaps_scrub: formatUTimeCeph(x.lastPurgedSnapsScrub),
    dead_epoch: x.deadEpoch,
  };
}
