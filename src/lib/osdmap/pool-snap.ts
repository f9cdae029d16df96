/**
 * pool_snap_info_t (Ceph src/osd/osd_types.cc pool_snap_info_t::encode): one pool snapshot. Envelope v2 compat 2; encoders
 * without PGPOOL3 write a bare u8 version 1 and no compat or length (LEGACY_COMPAT_LEN(2,2,2)).
 */
import { Reader, Writer, decodeUTime, encodeUTime, type UTime } from '../encoding/index.js';
import { FEATURE, FEATURES_ALL, hasFeature } from '../msg/features.js';
import { formatUTimeCeph } from '../msg/utime.js';
import { legacyEnvelope } from '../msg/legacy-envelope.js';

export interface PoolSnapInfo {
  snapid: bigint;
  stamp: UTime;
  name: string;
  /** Unread bytes of a newer minor version. */
  tail?: Uint8Array;
}

export function decodePoolSnapInfo(r: Reader): PoolSnapInfo {
  const env = legacyEnvelope(r, 'pool_snap_info_t', 2, 2, 2);
  const snapid = r.u64('pool_snap_info_t snapid');
  const stamp = decodeUTime(r);
  const name = r.string('pool_snap_info_t name');
  const tail = env.finish();
  return { snapid, stamp, name, ...(tail.length > 0 ? { tail } : {}) };
}

export function encodePoolSnapInfo(w: Writer, s: PoolSnapInfo, features: bigint = FEATURES_ALL): void {
  if (!hasFeature(features, FEATURE.PGPOOL3)) {
    w.u8(1).u64(s.snapid);
    encodeUTime(w, s.stamp);
    w.string(s.name);
    return;
  }
  const mark = w.envelope(2, 2);
  w.u64(s.snapid);
  encodeUTime(w, s.stamp);
  w.string(s.name);
  if (s.tail) w.raw(s.tail);
  w.finish(mark);
}

export function dumpPoolSnapInfo(s: PoolSnapInfo): Record<string, unknown> {
  return { snapid: s.snapid, stamp: formatUTimeCeph(s.stamp), name: s.name };
}
