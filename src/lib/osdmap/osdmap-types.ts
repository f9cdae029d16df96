/**
 * The full OSDMap model (Ceph src/osd/OSDMap.cc OSDMap::encode) and the constants its codec, dump and apply share.
 * Field names follow Ceph's members; per-OSD vectors are indexed by OSD id.
 */
import type { UTime } from '../encoding/index.js';
import type { CrushMap } from '../crush/index.js';
import type { EntityAddrvec } from '../msg/entity-addr.js';
import type { OsdInfo, OsdXinfo } from './osd-info.js';
import type { AddrMap, PgMap } from './osdmap-codec.js';
import type { PgPool, SnapInterval } from './pool.js';

/** CEPH_OSDMAP_* flags (Ceph src/include/rados.h). */
export const OSDMAP_FLAG = {
  NEARFULL: 0x1,
  FULL: 0x2,
  PAUSERD: 0x4,
  PAUSEWR: 0x8,
  PAUSEREC: 0x10,
  NOUP: 0x20,
  NODOWN: 0x40,
  NOOUT: 0x80,
  NOIN: 0x100,
  NOBACKFILL: 0x200,
  NORECOVER: 0x400,
  NOSCRUB: 0x800,
  NODEEP_SCRUB: 0x1000,
  NOTIERAGENT: 0x2000,
  NOREBALANCE: 0x4000,
  SORTBITWISE: 0x8000,
  REQUIRE_JEWEL: 0x10000,
  REQUIRE_KRAKEN: 0x20000,
  REQUIRE_LUMINOUS: 0x40000,
  RECOVERY_DELETES: 0x80000,
  PURGED_SNAPDIRS: 0x100000,
  NOSNAPTRIM: 0x200000,
  PGLOG_HARDLIMIT: 0x400000,
} as const;
/** The flags `ceph osd set|unset` takes in Pacific, by name (`pause` is pauserd + pausewr). */
export const OSD_SET_FLAGS: Readonly<Record<string, number>> = {
  pause: OSDMAP_FLAG.PAUSERD | OSDMAP_FLAG.PAUSEWR,
  noup: OSDMAP_FLAG.NOUP,
  nodown: OSDMAP_FLAG.NODOWN,
  noout: OSDMAP_FLAG.NOOUT,
  noin: OSDMAP_FLAG.NOIN,
  nobackfill: OSDMAP_FLAG.NOBACKFILL,
  norebalance: OSDMAP_FLAG.NOREBALANCE,
  norecover: OSDMAP_FLAG.NORECOVER,
  noscrub: OSDMAP_FLAG.NOSCRUB,
  'nodeep-scrub': OSDMAP_FLAG.NODEEP_SCRUB,
  notieragent: OSDMAP_FLAG.NOTIERAGENT,
  nosnaptrim: OSDMAP_FLAG.NOSNAPTRIM,
};

export const LEGACY_REQUIRE_FLAGS = OSDMAP_FLAG.REQUIRE_JEWEL | OSDMAP_FLAG.REQUIRE_KRAKEN | OSDMAP_FLAG.REQUIRE_LUMINOUS;

/** CEPH_OSD_* state bits (Ceph src/include/rados.h). */
export const OSD_STATE = {
  EXISTS: 0x1,
  UP: 0x2,
  AUTOOUT: 0x4,
  NEW: 0x8,
  FULL: 0x10,
  NEARFULL: 0x20,
  BACKFILLFULL: 0x40,
  DESTROYED: 0x80,
  NOUP: 0x100,
  NODOWN: 0x200,
  NOIN: 0x400,
  NOOUT: 0x800,
  STOP: 0x1000,
} as const;

export const CEPH_OSD_IN = 0x10000;
export const CEPH_OSD_OUT = 0;
export const DEFAULT_PRIMARY_AFFINITY = 0x10000;

/** ceph_release_t values. */
export const RELEASE = {
  UNKNOWN: 0,
  JEWEL: 10,
  KRAKEN: 11,
  LUMINOUS: 12,
  MIMIC: 13,
  NAUTILUS: 14,
  OCTOPUS: 15,
  PACIFIC: 16,
  QUINCY: 17,
  REEF: 18,
  SQUID: 19,
  TENTACLE: 20,
  UMBRELLA: 21,
} as const;

export interface OSDMap {
  /** Outer envelope struct_v (8 for every map with a CRC; 7 has none). */
  structV: number;
  /** Client-usable section struct_v as decoded (Pacific 9, Reef+ 10). */
  clientV: number;
  /** OSD-only section struct_v as decoded (Pacific 9, 10 stretch, 11 range blocklist, 12 crimson). */
  osdV: number;
  /** Unknown trailing bytes of the client and osd-only sections (newer minor versions). */
  clientTail?: Uint8Array;
  osdTail?: Uint8Array;
  /** The CRC stored in the map (0 when the outer version has none). */
  crc: number;

  fsid: string;
  epoch: number;
  created: UTime;
  modified: UTime;
  /** Pools by id (pool ids are s64 on the wire). */
  pools: Map<number, PgPool>;
  poolName: Map<number, string>;
  /** s32 in the full map. */
  poolMax: number;
  /** u32 flags exactly as encoded (see effectiveFlags for what Ceph holds after decoding). */
  flags: number;
  maxOsd: number;
  osdState: number[];
  osdWeight: number[];
  clientAddrs: EntityAddrvec[];
  pgTemp: PgMap<number[]>;
  primaryTemp: PgMap<number>;
  /** Undefined when the encoded vector was empty (no affinity ever set). */
  osdPrimaryAffinity?: number[];
  /** The embedded CRUSH map: raw bytes for byte-exact re-encoding, and decoded. */
  crushBytes: Uint8Array;
  crush: CrushMap;
  erasureCodeProfiles: Map<string, Map<string, string>>;
  pgUpmap: PgMap<number[]>;
  pgUpmapItems: PgMap<[number, number][]>;
  crushVersion: number;
  newRemovedSnaps: Map<number, SnapInterval[]>;
  newPurgedSnaps: Map<number, SnapInterval[]>;
  lastUpChange: UTime;
  lastInChange: UTime;
  /** Reef+ (client v10). */
  pgUpmapPrimaries: PgMap<number>;

  hbBackAddrs: EntityAddrvec[];
  osdInfo: OsdInfo[];
  blocklist: AddrMap;
  clusterAddrs: EntityAddrvec[];
  clusterSnapshotEpoch: number;
  clusterSnapshot: string;
  osdUuid: string[];
  osdXinfo: OsdXinfo[];
  hbFrontAddrs: EntityAddrvec[];
  /** Floats (exactly representable as f32). */
  nearfullRatio: number;
  fullRatio: number;
  backfillfullRatio: number;
  /** osd-only v4 only: require_min_compat_client as a release name. */
  requireMinCompatClientName?: string;
  requireMinCompatClient: number;
  requireOsdRelease: number;
  removedSnapsQueue: Map<number, SnapInterval[]>;
  crushNodeFlags: Map<number, number>;
  deviceClassFlags: Map<number, number>;
  stretchModeEnabled: boolean;
  stretchBucketCount: number;
  degradedStretchMode: number;
  recoveringStretchMode: number;
  stretchModeBucket: number;
  rangeBlocklist: AddrMap;
  /** Reef+ (osd-only v12). */
  allowCrimson: boolean;
}

export interface DecodeOptions {
  /** Decode even when the stored CRC does not match (to inspect a damaged value). */
  skipCrc?: boolean;
}

export { RELEASE_NAMES, releaseFromName, releaseName } from '../ceph-releases.js';

/**
 * The require_osd_release Ceph holds after decoding: read from the map from osd-only v5, else
 * inferred from the legacy REQUIRE_* flags.
 */
export function effectiveRequireOsdRelease(m: OSDMap): number {
  if (m.osdV >= 5) return m.requireOsdRelease;
  if (m.flags & OSDMAP_FLAG.REQUIRE_LUMINOUS) return RELEASE.LUMINOUS;
  if (m.flags & OSDMAP_FLAG.REQUIRE_KRAKEN) return RELEASE.KRAKEN;
  if (m.flags & OSDMAP_FLAG.REQUIRE_JEWEL) return RELEASE.JEWEL;
  return RELEASE.UNKNOWN;
}

/** The flags Ceph holds after decoding (OSDMap::decode's adjustments for the release). */
export function effectiveFlags(m: OSDMap): number {
  let flags = m.flags;
  const release = effectiveRequireOsdRelease(m);
  if (m.osdV >= 5 && release >= RELEASE.NAUTILUS) flags |= OSDMAP_FLAG.PGLOG_HARDLIMIT;
  if (release >= RELEASE.LUMINOUS) {
    flags &= ~LEGACY_REQUIRE_FLAGS;
    flags |= OSDMAP_FLAG.RECOVERY_DELETES;
  }
  return flags >>> 0;
}
