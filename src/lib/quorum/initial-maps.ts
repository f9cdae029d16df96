/**
 * The maps a fresh cluster of a given release starts from, as `ceph-mon --mkfs` and the first
 * leader of that release make them: monmap epoch 1 from the configured names and addresses,
 * and OSDMap epoch 1 from OSDMap::build_simple with no OSDs (OSDMonitor::create_initial): the
 * fsid, a CRUSH map with the standard types, an empty straw2 root "default" and
 * `replicated_rule`, the luminous+ flags and the release itself as require_osd_release.
 * Times come from the caller (the core has no clock). test/unit/quorum/initial-maps.test.ts
 * compares them byte for byte with the epoch-1 maps real Pacific, Reef and Tentacle monitors
 * wrote (test/fixtures/mon-*.tar.gz).
 */
import { BUCKET_STRAW2, HAMMER_ALLOWED_BUCKET_ALGS, RULE_TYPE_REPLICATED, RuleOp, emptyCrushMap, encodeCrushMap, type CrushMap } from '../crush/index.js';
import { Writer, encodeUTime, type UTime } from '../encoding/index.js';
import { ADDR_TYPE, parseEntityAddr } from '../msg/entity-addr.js';
import { emptyMonMap, MON_INFO_V, MONMAP_V, type MonMap } from '../monmap/index.js';
import { OSDMAP_FLAG, RELEASE, osdmapEncodingFeatures, type OSDMap } from '../osdmap/index.js';

/** CEPH_FEATURES_ALL of a Pacific daemon (what its connections advertise). */
export const PACIFIC_FEATURES = 0x3f01cfbffffdffffn;

/**
 * What a Pacific quorum encodes its OSDMaps and Incrementals with, require_osd_release being
 * pacific: OSDMap::get_encoding_features (0x0f00088010212a04, as a Pacific store records).
 */
export const PACIFIC_OSDMAP_FEATURES = osdmapEncodingFeatures(RELEASE.PACIFIC);

/**
 * ceph::features::mon persistent features a new monitor cluster of each release records
 * (monmaptool --enable-all-features, and what MonmapMonitor sets once a quorum of that release
 * forms): one bit per release from kraken (bit 0) to its own (src/mon/mon_types.h: pacific 6,
 * elector-pinging 7, quincy 8, reef 9, squid 10, tentacle 11); Tentacle 20.2.4 also sets its
 * two release-independent bits 31 and 32 (its mkfs monmap in test/fixtures/mon-tentacle).
 */
const MON_PERSISTENT_FEATURES: Readonly<Record<number, bigint>> = {
  16: 0xffn,
  17: 0x1ffn,
  18: 0x3ffn,
  19: 0x7ffn,
  20: 0x180000fffn,
};

/** CrushWrapper's standard type names (build_simple_crush_map). */
export const CRUSH_TYPES = ['osd', 'host', 'chassis', 'rack', 'row', 'pdu', 'pod', 'room', 'datacenter', 'zone', 'region', 'root'];
export const CRUSH_TYPE = { osd: 0, host: 1, rack: 3, root: 11 } as const;

/** crush_add_bucket grows the bucket array to 8 slots for the first bucket (src/crush/builder.c). */
const INITIAL_MAX_BUCKETS = 8;

/** The CRUSH map of a new cluster: root `default` (id −1, straw2, empty) and rule 0 `replicated_rule`. */
export function initialCrushMap(release: number = RELEASE.PACIFIC): CrushMap {
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
  while (c.buckets.length < INITIAL_MAX_BUCKETS) c.buckets.push(null);
  c.nameMap.set(-1, 'default');
  c.rules.push({
    ruleset: 0,
    type: RULE_TYPE_REPLICATED,
    minSize: 1,
    // Quincy dropped the rule's min/max size: crush_make_rule stores 1 and 100 in the
    // deprecated fields; Pacific's add_simple_rule wrote the mon_osd default max of 10.
    maxSize: release >= RELEASE.QUINCY ? 100 : 10,
    steps: [
      { op: RuleOp.TAKE, arg1: -1, arg2: 0 },
      { op: RuleOp.CHOOSELEAF_FIRSTN, arg1: 0, arg2: CRUSH_TYPE.host },
      { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
    ],
  });
  c.ruleNameMap.set(0, 'replicated_rule');
  return c;
}

export function initialOSDMap(fsid: string, now: UTime, release: number = RELEASE.PACIFIC): OSDMap {
  const crush = initialCrushMap(release);
  // osd_pool_default_erasure_code_profile: Tentacle made ISA-L the default plugin.
  const ecPlugin = release >= RELEASE.TENTACLE ? 'isa' : 'jerasure';
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
    erasureCodeProfiles: new Map([['default', new Map([['k', '2'], ['m', '2'], ['plugin', ecPlugin], ['technique', 'reed_sol_van']])]]),
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
    requireOsdRelease: release,
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

/**
 * Tentacle's MonMap v10 fields after the stretch-mode ones, as a new cluster has them (their
 * decoder is not monctl's; the codec carries them as the map's tail): auth_epoch 0, the
 * service cipher and the one allowed and preferred cipher, each CEPH_CRYPTO_AES256KRB5 (2),
 * which `monmaptool --print` shows as `aes256k`.
 */
function tentacleMonMapTail(): Uint8Array {
  const w = new Writer(32);
  w.u32(0).u32(2).u32(1).u32(2).u32(2);
  return w.bytes();
}

/**
 * monmap epoch 1 as `monmaptool --create --enable-all-features --set-min-mon-release R` /
 * mkfs of release R writes it for these monitors. Tentacle's mon_info_t v6 adds the time the
 * monitor was added (the map's creation time for a new cluster).
 */
export function initialMonMap(fsid: string, names: string[], addrs: string[], now: UTime, release: number = RELEASE.PACIFIC): MonMap {
  const m = emptyMonMap(fsid);
  m.epoch = 1;
  m.created = { ...now };
  m.lastChanged = { ...now };
  m.minMonRelease = release;
  m.persistentFeatures = MON_PERSISTENT_FEATURES[release] ?? MON_PERSISTENT_FEATURES[RELEASE.PACIFIC]!;
  const tentacle = release >= RELEASE.TENTACLE;
  if (tentacle) {
    m.structV = MONMAP_V + 1;
    m.tail = tentacleMonMapTail();
  }
  const added = new Writer(8);
  encodeUTime(added, now);
  names.forEach((name, rank) => {
    const addr = parseEntityAddr(addrs[rank] ?? '0.0.0.0:0', ADDR_TYPE.MSGR2);
    m.monInfo.set(name, {
      name,
      publicAddrs: { v: [addr] },
      priority: 0,
      weight: 0,
      crushLoc: new Map(),
      structV: tentacle ? MON_INFO_V + 1 : MON_INFO_V,
      structCompat: 1,
      ...(tentacle ? { tail: added.bytes() } : {}),
    });
  });
  m.ranks = [...names];
  return m;
}
