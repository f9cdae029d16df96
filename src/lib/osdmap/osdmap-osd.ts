/**
 * The OSD-only section of a full OSDMap (Ceph src/osd/OSDMap.cc OSDMap::encode): envelope compat 1, v9 in Pacific,
 * raised by content to 10 (stretch mode), 11 (a range blocklist) and, from Reef, 12
 * (allow_crimson). Older feature sets get v1, v5 or v6.
 */
import { Reader, Writer, decodeUuid, encodeUuid } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { FEATURE, hasFeature } from '../msg/features.js';
import { decodeOsdInfo, decodeOsdXinfo, encodeOsdInfo, encodeOsdXinfo, OSD_INFO_ENCODED_LEN } from './osd-info.js';
import {
  CORRUPT,
  decodeAddrMap,
  decodeAddrvecList,
  decodeIntMap,
  decodeSnapMap,
  encodeAddrMap,
  encodeAddrvecOrLegacy,
  encodeIntMap,
  encodeSnapMap,
  s32Key,
  writeS32,
  writeU32,
} from './osdmap-codec.js';
import { type OSDMap } from './osdmap-types.js';
import type { EntityAddrvec } from '../msg/entity-addr.js';
import { writeList, writePart, type EncodeCache } from './encode-cache.js';

/** Highest osd-only version whose fields are read; later tails are kept raw. */
export const OSDMAP_OSD_MAX_KNOWN_V = 12;

export function decodeOsdSection(r: Reader, m: Partial<OSDMap>): void {
  const env = r.envelope('OSDMap osd-only section', OSDMAP_OSD_MAX_KNOWN_V);
  const v = env.version;
  m.osdV = v;
  m.hbBackAddrs = decodeAddrvecList(r, 'hb_back_addrs');
  m.osdInfo = r.list('osd_info', decodeOsdInfo, OSD_INFO_ENCODED_LEN);
  m.blocklist = decodeAddrMap(r, 'blocklist');
  m.clusterAddrs = decodeAddrvecList(r, 'cluster_addrs');
  m.clusterSnapshotEpoch = r.u32('cluster_snapshot_epoch');
  m.clusterSnapshot = r.string('cluster_snapshot');
  m.osdUuid = r.list('osd_uuid', decodeUuid, 16);
  const xinfoAt = r.pos;
  m.osdXinfo = r.list('osd_xinfo', decodeOsdXinfo, 6);
  if (m.osdXinfo.length !== m.maxOsd) throw new MonctlError('DECODE_INVALID', `osd_xinfo has ${m.osdXinfo.length} entries for max_osd ${m.maxOsd}`, { offset: xinfoAt, actions: CORRUPT });
  m.hbFrontAddrs = decodeAddrvecList(r, 'hb_front_addrs');
  m.nearfullRatio = v >= 2 ? r.f32('nearfull_ratio') : 0;
  m.fullRatio = v >= 2 ? r.f32('full_ratio') : 0;
  m.backfillfullRatio = v >= 3 ? r.f32('backfillfull_ratio') : 0;
  if (v === 4) m.requireMinCompatClientName = r.string('require_min_compat_client (legacy string)');
  m.requireMinCompatClient = v >= 5 ? r.u8('require_min_compat_client') : 0;
  m.requireOsdRelease = v >= 5 ? r.u8('require_osd_release') : 0;
  m.removedSnapsQueue = v >= 6 ? decodeSnapMap(r, 'removed_snaps_queue') : new Map();
  m.crushNodeFlags = v >= 8 ? decodeIntMap(r, 'crush_node_flags', 8, s32Key, (x) => x.u32('flags')) : new Map();
  m.deviceClassFlags = v >= 9 ? decodeIntMap(r, 'device_class_flags', 8, s32Key, (x) => x.u32('flags')) : new Map();
  m.stretchModeEnabled = v >= 10 ? r.bool('stretch_mode_enabled') : false;
  m.stretchBucketCount = v >= 10 ? r.u32('stretch_bucket_count') : 0;
  m.degradedStretchMode = v >= 10 ? r.u32('degraded_stretch_mode') : 0;
  m.recoveringStretchMode = v >= 10 ? r.u32('recovering_stretch_mode') : 0;
  m.stretchModeBucket = v >= 10 ? r.s32('stretch_mode_bucket') : 0;
  m.rangeBlocklist = v >= 11 ? decodeAddrMap(r, 'range_blocklist') : new Map();
  m.allowCrimson = v >= 12 ? r.bool('allow_crimson') : false;
  const tail = r.finish(env, 'OSDMap osd-only section');
  if (tail.length > 0) m.osdTail = tail;
}

/** The lowest osd-only version that can hold the map's content. */
function contentVersion(m: OSDMap): number {
  if (m.allowCrimson) return 12;
  if (m.rangeBlocklist.size > 0) return 11;
  if (m.stretchModeEnabled) return 10;
  return 0;
}

export function osdVersionFor(m: OSDMap, features: bigint | undefined): number {
  if (features === undefined) return Math.max(m.osdV, contentVersion(m));
  let v = 9;
  if (!hasFeature(features, FEATURE.SERVER_LUMINOUS)) v = 1;
  else if (!hasFeature(features, FEATURE.SERVER_MIMIC)) v = 5;
  else if (!hasFeature(features, FEATURE.SERVER_NAUTILUS)) v = 6;
  return Math.max(v, contentVersion(m));
}

function encodeFlagMap(w: Writer, flags: ReadonlyMap<number, number>): void {
  encodeIntMap(w, flags, writeS32, writeU32);
}

export function encodeOsdSection(w: Writer, m: OSDMap, features: bigint | undefined, cache?: EncodeCache): void {
  const v = osdVersionFor(m, features);
  const key = `${v}:${features}`;
  const part = (value: object, encode: () => void) => writePart(w, cache, value, key, encode);
  const addrvec = (x: Writer, av: EntityAddrvec) => encodeAddrvecOrLegacy(x, av, v >= 7, features);
  const mark = w.envelope(v, 1);
  writeList(w, cache, 'hb_back_addrs', m.hbBackAddrs, key, addrvec);
  writeList(w, cache, 'osd_info', m.osdInfo, key, encodeOsdInfo);
  part(m.blocklist, () => encodeAddrMap(w, m.blocklist, features));
  writeList(w, cache, 'cluster_addrs', m.clusterAddrs, key, addrvec);
  w.u32(m.clusterSnapshotEpoch);
  w.string(m.clusterSnapshot);
  writeList(w, cache, 'osd_uuid', m.osdUuid, key, encodeUuid);
  writeList(w, cache, 'osd_xinfo', m.osdXinfo, key, (x, xi) => encodeOsdXinfo(x, xi, features));
  writeList(w, cache, 'hb_front_addrs', m.hbFrontAddrs, key, addrvec);
  if (v >= 2) w.f32(m.nearfullRatio).f32(m.fullRatio);
  if (v >= 3) w.f32(m.backfillfullRatio);
  if (v === 4) w.string(m.requireMinCompatClientName ?? '');
  if (v >= 5) w.u8(m.requireMinCompatClient).u8(m.requireOsdRelease);
  if (v >= 6) part(m.removedSnapsQueue, () => encodeSnapMap(w, m.removedSnapsQueue));
  if (v >= 8) encodeFlagMap(w, m.crushNodeFlags);
  if (v >= 9) encodeFlagMap(w, m.deviceClassFlags);
  if (v >= 10) {
    w.bool(m.stretchModeEnabled).u32(m.stretchBucketCount).u32(m.degradedStretchMode);
    w.u32(m.recoveringStretchMode).s32(m.stretchModeBucket);
  }
  if (v >= 11) encodeAddrMap(w, m.rangeBlocklist, features);
  if (v >= 12) w.bool(m.allowCrimson);
  if (features === undefined && v === m.osdV && m.osdTail) w.raw(m.osdTail);
  w.finish(mark);
}
