/**
 * The maps a fresh cluster starts from, as `ceph-mon --mkfs` and the first leader make them:
 * monmap epoch 1 from the configured names and addresses, and OSDMap epoch 1 from
 * OSDMap::build_simple with no OSDs (OSDMonitor::create_initial): the fsid, a CRUSH map with
 * the standard types, an empty straw2 root "default" and `replicated_rule`, the luminous+
 * flags and Pacific as require_osd_release. Times come from the caller (the core has no clock).
 */
import { BUCKET_STRAW2, HAMMER_ALLOWED_BUCKET_ALGS, RULE_TYPE_REPLICATED, RuleOp, emptyCrushMap, encodeCrushMap, type CrushMap } from '../crush/index.js';
import type { UTime } from '../encoding/index.js';
import { ADDR_TYPE, parseEntityAddr } from '../msg/entity-addr.js';
import { emptyMonMap, MON_INFO_V, type MonMap } from '../monmap/index.js';
import { OSDMAP_FLAG, RELEASE, osdmapEncodingFeatures, type OSDMap } from '../osdmap/index.js';

/** CEPH_FEATURES_ALL of a Pacific daemon (what its connections advertise). */
export const PACIFIC_FEATURES = 0x3f01cfbffffdffffn;

/**
 * What a Pacific quorum encodes its OSDMaps and Incrementals with, require_osd_release being
 * pacific: OSDMap::get_encoding_features (0x0f00088010212a04, as a Pacific store records).
 */
export const PACIFIC_OSDMAP_FEATURES = osdmapEncodingFeatures(RELEASE.PACIFIC);

/** CrushWrapper's standard type names (build_simple_crush_map). */
export const CRUSH_TYPES = ['osd', 'host', 'chassis', 'rack', 'row', 'pdu', 'pod', 'room', 'datacenter', 'zone', 'region', 'root'];
export const CRUSH_TYPE = { osd: 0, host: 1, rack: 3, root: 11 } as const;

/** The CRUSH map of a new cluster: root `default` (id −1, straw2, empty) and rule 0 `replicated_rule`. */
export function initialCrushMap(): CrushMap {
  const c = emptyCrushMap();
  // set_tunables_default: the "optimal" (jewel) profile in Pacific.
  c.tunables = {
    ...c.tunables,
    chooseLocalTries: 0,
    chooseLocalFallbackTries: 0,
    chooseTotalTries: 50,
    chooseleafDescendOnce: 1,
    chooseleafVaryR: 1,
    chooseleafStable: 1,
    strawCalcVersion: 1,
    allowedBucketAlgs: HAMMER_ALLOWED_BUCKET_ALGS,
  };
  CRUSH_TYPES.forEach((name, id) => c.typeMap.set(id, name));
  c.buckets.push({ id: -1, type: CRUSH_TYPE.root, alg: BUCKET_STRAW2, hash: 0, weight: 0, items: [], itemWeights: [] });
  c.nameMap.set(-1, 'default');
  c.rules.push({
    ruleset: 0,
    type: RULE_TYPE_REPLICATED,
    minSize: 1,
    maxSize: 10,
    steps: [
      { op: RuleOp.TAKE, arg1: -1, arg2: 0 },
      { op: RuleOp.CHOOSELEAF_FIRSTN, arg1: 0, arg2: CRUSH_TYPE.host },
      { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
    ],
  });
  c.ruleNameMap.set(0, 'replicated_rule');
  return c;
}

export function initialOSDMap(fsid: string, now: UTime): OSDMap {
  const crush = initialCrushMap();
  return {
    structV: 8,
    clientV: 9,
    osdV: 9,
    crc: 0,
    fsid,
    epoch: 1,
    created: { ...now },
    modified: { ...now },
    pools: new Map(),
    poolName: new Map(),
    poolMax: 0,
    flags: OSDMAP_FLAG.SORTBITWISE | OSDMAP_FLAG.RECOVERY_DELETES | OSDMAP_FLAG.PURGED_SNAPDIRS | OSDMAP_FLAG.PGLOG_HARDLIMIT,
    maxOsd: 0,
    osdState: [],
    osdWeight: [],
    clientAddrs: [],
    pgTemp: new Map(),
    primaryTemp: new Map(),
    crushBytes: encodeCrushMap(crush),
    crush,
    erasureCodeProfiles: new Map([['default', new Map([['k', '2'], ['m', '2'], ['plugin', 'jerasure'], ['technique', 'reed_sol_van']])]]),
    pgUpmap: new Map(),
    pgUpmapItems: new Map(),
    crushVersion: 1,
    newRemovedSnaps: new Map(),
    newPurgedSnaps: new Map(),
    lastUpChange: { sec: 0, nsec: 0 },
    lastInChange: { sec: 0, nsec: 0 },
    pgUpmapPrimaries: new Map(),
    hbBackAddrs: [],
    osdInfo: [],
    blocklist: new Map(),
    clusterAddrs: [],
    clusterSnapshotEpoch: 0,
    clusterSnapshot: '',
    osdUuid: [],
    osdXinfo: [],
    hbFrontAddrs: [],
    nearfullRatio: 0.85,
    fullRatio: 0.95,
    backfillfullRatio: 0.9,
    requireMinCompatClient: RELEASE.LUMINOUS,
    requireOsdRelease: RELEASE.PACIFIC,
    removedSnapsQueue: new Map(),
    crushNodeFlags: new Map(),
    deviceClassFlags: new Map(),
    stretchModeEnabled: false,
    stretchBucketCount: 0,
    degradedStretchMode: 0,
    recoveringStretchMode: 0,
    stretchModeBucket: 0,
    rangeBlocklist: new Map(),
    allowCrimson: false,
  };
}

/** monmap epoch 1 as `monmaptool --create` / mkfs writes it for these monitors. */
export function initialMonMap(fsid: string, names: string[], addrs: string[], now: UTime): MonMap {
  const m = emptyMonMap(fsid);
  m.epoch = 1;
  m.created = { ...now };
  m.lastChanged = { ...now };
  m.minMonRelease = RELEASE.PACIFIC;
  names.forEach((name, rank) => {
    const addr = parseEntityAddr(addrs[rank] ?? '0.0.0.0:0', ADDR_TYPE.MSGR2);
    m.monInfo.set(name, { name, publicAddrs: { v: [addr] }, priority: 0, weight: 0, crushLoc: new Map(), structV: MON_INFO_V, structCompat: 1 });
  });
  m.ranks = [...names];
  return m;
}
