/**
 * The OSD-only section of an OSDMap::Incremental (Ceph src/osd/OSDMap.cc OSDMap::Incremental::encode): compat 1, v9 in Pacific
 * (v2 without SERVER_LUMINOUS, v6 without SERVER_NAUTILUS), raised by content to 10 (a stretch
 * mode change), 11 (range blocklist edits) and, from Reef, 12 (allow_crimson edits).
 */
import { Reader, Writer, decodeUuid, encodeUuid } from '../encoding/index.js';
import { FEATURE, hasFeature } from '../msg/features.js';
import type { Incremental } from './incremental-types.js';
import { decodeOsdXinfo, encodeOsdXinfo } from './osd-info.js';
import {
  decodeAddrList,
  decodeAddrMap,
  decodeAddrvecMap,
  decodeIntMap,
  encodeAddrList,
  encodeAddrMap,
  encodeAddrvecMap,
  encodeIntMap,
  s32Key,
  writeS32,
  writeU32,
} from './osdmap-codec.js';

/** Pre-v2 encoders always had PGID64 and OSDMAP_ENC (bits 9 and 39). */
const V1_ENCODE_FEATURES = (1n << 9n) | (1n << 39n);
export const INC_OSD_MAX_KNOWN_V = 12;

const u32Map = (r: Reader, what: string) => decodeIntMap(r, what, 8, s32Key, (x) => x.u32(what));

export function decodeIncOsdSection(r: Reader, inc: Partial<Incremental>): void {
  const env = r.envelope('Incremental osd-only section', INC_OSD_MAX_KNOWN_V);
  const v = env.version;
  inc.osdV = v;
  inc.newHbBackUp = decodeAddrvecMap(r, 'new_hb_back_up');
  inc.newUpThru = u32Map(r, 'new_up_thru');
  inc.newLastCleanInterval = decodeIntMap(r, 'new_last_clean_interval', 12, s32Key, (x) => [
    x.u32('last_clean_begin'),
    x.u32('last_clean_end'),
  ] as [number, number]);
  inc.newLost = u32Map(r, 'new_lost');
  inc.newBlocklist = decodeAddrMap(r, 'new_blocklist');
  inc.oldBlocklist = decodeAddrList(r, 'old_blocklist');
  inc.newUpCluster = decodeAddrvecMap(r, 'new_up_cluster');
  inc.clusterSnapshot = r.string('cluster_snapshot');
  inc.newUuid = decodeIntMap(r, 'new_uuid', 20, s32Key, decodeUuid);
  inc.newXinfo = decodeIntMap(r, 'new_xinfo', 10, s32Key, decodeOsdXinfo);
  inc.newHbFrontUp = decodeAddrvecMap(r, 'new_hb_front_up');
  inc.encodeFeatures = v >= 2 ? r.u64('encode features') : V1_ENCODE_FEATURES;
  inc.newNearfullRatio = v >= 3 ? r.f32('new_nearfull_ratio') : -1;
  inc.newFullRatio = v >= 3 ? r.f32('new_full_ratio') : -1;
  inc.newBackfillfullRatio = v >= 4 ? r.f32('new_backfillfull_ratio') : -1;
  if (v === 5) inc.newRequireMinCompatClientName = r.string('new_require_min_compat_client (legacy string)');
  inc.newRequireMinCompatClient = v >= 6 ? r.u8('new_require_min_compat_client') : 0xff;
  inc.newRequireOsdRelease = v >= 6 ? r.u8('new_require_osd_release') : 0xff;
  inc.newCrushNodeFlags = v >= 8 ? u32Map(r, 'new_crush_node_flags') : new Map();
  inc.newDeviceClassFlags = v >= 9 ? u32Map(r, 'new_device_class_flags') : new Map();
  if (v >= 10) {
    inc.changeStretchMode = r.bool('change_stretch_mode');
    inc.newStretchBucketCount = r.u32('new_stretch_bucket_count');
    inc.newDegradedStretchMode = r.u32('new_degraded_stretch_mode');
    inc.newRecoveringStretchMode = r.u32('new_recovering_stretch_mode');
    inc.newStretchModeBucket = r.s32('new_stretch_mode_bucket');
    inc.stretchModeEnabled = r.bool('stretch_mode_enabled');
  }
  inc.newRangeBlocklist = v >= 11 ? decodeAddrMap(r, 'new_range_blocklist') : new Map();
  inc.oldRangeBlocklist = v >= 11 ? decodeAddrList(r, 'old_range_blocklist') : [];
  inc.mutateAllowCrimson = v >= 12 ? r.u8('mutate_allow_crimson') : 0;
  const tail = r.finish(env, 'Incremental osd-only section');
  if (tail.length > 0) inc.osdTail = tail;
}

function contentVersion(inc: Incremental): number {
  if (inc.mutateAllowCrimson !== 0) return 12;
  if (inc.newRangeBlocklist.size > 0 || inc.oldRangeBlocklist.length > 0) return 11;
  if (inc.changeStretchMode) return 10;
  return 0;
}

export function incOsdVersionFor(inc: Incremental, features: bigint | undefined): number {
  if (features === undefined) return Math.max(inc.osdV, contentVersion(inc));
  let v = 9;
  if (!hasFeature(features, FEATURE.SERVER_LUMINOUS)) v = 2;
  else if (!hasFeature(features, FEATURE.SERVER_NAUTILUS)) v = 6;
  return Math.max(v, contentVersion(inc));
}

const writeFlags = (w: Writer, m: ReadonlyMap<number, number>) => encodeIntMap(w, m, writeS32, writeU32);

export function encodeIncOsdSection(w: Writer, inc: Incremental, features: bigint | undefined): void {
  const v = incOsdVersionFor(inc, features);
  const mark = w.envelope(v, 1);
  encodeAddrvecMap(w, inc.newHbBackUp, v >= 7, features);
  writeFlags(w, inc.newUpThru);
  encodeIntMap(w, inc.newLastCleanInterval, writeS32, (x, [b, e]) => x.u32(b).u32(e));
  writeFlags(w, inc.newLost);
  encodeAddrMap(w, inc.newBlocklist, features);
  encodeAddrList(w, inc.oldBlocklist, features);
  encodeAddrvecMap(w, inc.newUpCluster, v >= 7, features);
  w.string(inc.clusterSnapshot);
  encodeIntMap(w, inc.newUuid, writeS32, encodeUuid);
  encodeIntMap(w, inc.newXinfo, writeS32, (x, xi) => encodeOsdXinfo(x, xi, features));
  encodeAddrvecMap(w, inc.newHbFrontUp, v >= 7, features);
  if (v >= 2) w.u64(features ?? inc.encodeFeatures);
  if (v >= 3) w.f32(inc.newNearfullRatio).f32(inc.newFullRatio);
  if (v >= 4) w.f32(inc.newBackfillfullRatio);
  if (v === 5) w.string(inc.newRequireMinCompatClientName ?? '');
  if (v >= 6) w.u8(inc.newRequireMinCompatClient).u8(inc.newRequireOsdRelease);
  if (v >= 8) writeFlags(w, inc.newCrushNodeFlags);
  if (v >= 9) writeFlags(w, inc.newDeviceClassFlags);
  if (v >= 10) {
    w.bool(inc.changeStretchMode).u32(inc.newStretchBucketCount).u32(inc.newDegradedStretchMode);
    w.u32(inc.newRecoveringStretchMode).s32(inc.newStretchModeBucket).bool(inc.stretchModeEnabled);
  }
  if (v >= 11) {
    encodeAddrMap(w, inc.newRangeBlocklist, features);
    encodeAddrList(w, inc.oldRangeBlocklist, features);
  }
  if (v >= 12) w.u8(inc.mutateAllowCrimson);
  if (features === undefined && v === inc.osdV && inc.osdTail) w.raw(inc.osdTail);
  w.finish(mark);
}
