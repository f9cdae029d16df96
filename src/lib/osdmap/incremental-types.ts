/**
 * The OSDMap::Incremental model (Ceph src/osd/OSDMap.cc OSDMap::Incremental). "No change" sentinels: −1 for new_flags,
 * new_max_osd and new_pool_max; −1.0 for the ratios; 0xff for the release bytes; (0,0) for the
 * up/in change stamps; an empty bufferlist for fullmap and crush.
 */
import type { UTime } from '../encoding/index.js';
import type { EntityAddr, EntityAddrvec } from '../msg/entity-addr.js';
import type { OsdXinfo } from './osd-info.js';
import type { AddrMap, PgMap } from './osdmap-codec.js';
import type { PgPool, SnapInterval } from './pool.js';

export const RELEASE_NO_CHANGE = 0xff;

export interface Incremental {
  /** Outer envelope struct_v (8 with CRCs). */
  structV: number;
  clientV: number;
  osdV: number;
  clientTail?: Uint8Array;
  osdTail?: Uint8Array;
  /** CRC of this encoding as stored (0 without CRCs). */
  incCrc: number;
  /** CRC of the full map this incremental produces. */
  fullCrc: number;

  fsid: string;
  epoch: number;
  modified: UTime;
  /** s64 in the Incremental (−1 = no change). */
  newPoolMax: bigint;
  /** s32 (−1 = no change). */
  newFlags: number;
  /** A complete full map (epoch 1, or forced full maps); empty otherwise. */
  fullmap: Uint8Array;
  /** A complete CRUSH map when CRUSH changed; empty otherwise. */
  crush: Uint8Array;
  newMaxOsd: number;
  newPools: Map<number, PgPool>;
  newPoolNames: Map<number, string>;
  /** set<int64_t>, sorted when written. */
  oldPools: number[];
  newUpClient: Map<number, EntityAddrvec>;
  /** XOR masks (0 = toggle UP). */
  newState: Map<number, number>;
  newWeight: Map<number, number>;
  newPgTemp: PgMap<number[]>;
  newPrimaryTemp: PgMap<number>;
  newPrimaryAffinity: Map<number, number>;
  newErasureCodeProfiles: Map<string, Map<string, string>>;
  oldErasureCodeProfiles: string[];
  newPgUpmap: PgMap<number[]>;
  oldPgUpmap: PgMap<null>;
  newPgUpmapItems: PgMap<[number, number][]>;
  oldPgUpmapItems: PgMap<null>;
  newRemovedSnaps: Map<number, SnapInterval[]>;
  newPurgedSnaps: Map<number, SnapInterval[]>;
  newLastUpChange: UTime;
  newLastInChange: UTime;
  /** Reef+ (client v9). */
  newPgUpmapPrimary: PgMap<number>;
  oldPgUpmapPrimary: PgMap<null>;

  newHbBackUp: Map<number, EntityAddrvec>;
  newUpThru: Map<number, number>;
  newLastCleanInterval: Map<number, [number, number]>;
  newLost: Map<number, number>;
  newBlocklist: AddrMap;
  oldBlocklist: EntityAddr[];
  newUpCluster: Map<number, EntityAddrvec>;
  clusterSnapshot: string;
  newUuid: Map<number, string>;
  newXinfo: Map<number, OsdXinfo>;
  newHbFrontUp: Map<number, EntityAddrvec>;
  /** The features the encoder used (written from the encode call, not a map member). */
  encodeFeatures: bigint;
  newNearfullRatio: number;
  newFullRatio: number;
  newBackfillfullRatio: number;
  /** osd-only v5 only. */
  newRequireMinCompatClientName?: string;
  newRequireMinCompatClient: number;
  newRequireOsdRelease: number;
  newCrushNodeFlags: Map<number, number>;
  newDeviceClassFlags: Map<number, number>;
  changeStretchMode: boolean;
  newStretchBucketCount: number;
  newDegradedStretchMode: number;
  newRecoveringStretchMode: number;
  newStretchModeBucket: number;
  stretchModeEnabled: boolean;
  newRangeBlocklist: AddrMap;
  oldRangeBlocklist: EntityAddr[];
  /** Reef+: 0 none, 1 set, 2 clear. */
  mutateAllowCrimson: number;
}

/** An Incremental that changes nothing (Ceph's default-constructed one), for `epoch`. */
export function emptyIncremental(fsid: string, epoch: number): Incremental {
  return {
    structV: 8,
    clientV: 8,
    osdV: 9,
    incCrc: 0,
    fullCrc: 0,
    fsid,
    epoch,
    modified: { sec: 0, nsec: 0 },
    newPoolMax: -1n,
    newFlags: -1,
    fullmap: new Uint8Array(0),
    crush: new Uint8Array(0),
    newMaxOsd: -1,
    newPools: new Map(),
    newPoolNames: new Map(),
    oldPools: [],
    newUpClient: new Map(),
    newState: new Map(),
    newWeight: new Map(),
    newPgTemp: new Map(),
    newPrimaryTemp: new Map(),
    newPrimaryAffinity: new Map(),
    newErasureCodeProfiles: new Map(),
    oldErasureCodeProfiles: [],
    newPgUpmap: new Map(),
    oldPgUpmap: new Map(),
    newPgUpmapItems: new Map(),
    oldPgUpmapItems: new Map(),
    newRemovedSnaps: new Map(),
    newPurgedSnaps: new Map(),
    newLastUpChange: { sec: 0, nsec: 0 },
    newLastInChange: { sec: 0, nsec: 0 },
    newPgUpmapPrimary: new Map(),
    oldPgUpmapPrimary: new Map(),
    newHbBackUp: new Map(),
    newUpThru: new Map(),
    newLastCleanInterval: new Map(),
    newLost: new Map(),
    newBlocklist: new Map(),
    oldBlocklist: [],
    newUpCluster: new Map(),
    clusterSnapshot: '',
    newUuid: new Map(),
    newXinfo: new Map(),
    newHbFrontUp: new Map(),
    encodeFeatures: 0n,
    newNearfullRatio: -1,
    newFullRatio: -1,
    newBackfillfullRatio: -1,
    newRequireMinCompatClient: RELEASE_NO_CHANGE,
    newRequireOsdRelease: RELEASE_NO_CHANGE,
    newCrushNodeFlags: new Map(),
    newDeviceClassFlags: new Map(),
    changeStretchMode: false,
    newStretchBucketCount: 0,
    newDegradedStretchMode: 0,
    newRecoveringStretchMode: 0,
    newStretchModeBucket: 0,
    stretchModeEnabled: false,
    newRangeBlocklist: new Map(),
    oldRangeBlocklist: [],
    mutateAllowCrimson: 0,
  };
}
