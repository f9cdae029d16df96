/** OSDMap types: pg_t, pg_pool_t, osd_info_t/osd_xinfo_t, the full map, Incremental, apply, dump. */
export * from './pg.js';
export * from './pool.js';
export * from './pool-dump.js';
export * from './osd-info.js';
export * from './osdmap.js';
export { osdmapEncodingFeatures, OSDMAP_SIGNIFICANT_FEATURES } from './encoding-features.js';
export { EncodeCache } from './encode-cache.js';
export {
  pgKey,
  pgMapSet,
  sortedPgEntries,
  addrMapKey,
  sortedAddrEntries,
  type AddrEntry,
  type AddrMap,
  type PgEntry,
  type PgMap,
} from './osdmap-codec.js';
export * from './incremental.js';
export { applyIncremental, applyIncrementalShared, applyIncrementalUnencoded, encodeApplied, type AppliedMap, intervalSubtract, intervalUnion, setMaxOsd } from './apply.js';
export { dumpOSDMap, minCompatClient, osdStateSet, osdmapFlagSet, osdmapFlagString } from './dump.js';
export { printOSDMap, formatPgPool, cephJsonText } from './print.js';
export { readBalanceScore, ruleWeightOsdMap, type ReadBalanceInfo, type ReadBalanceResult } from './read-balance.js';
export { printOSDTree } from './tree.js';
export { printIncremental, dumpIncremental } from './inc-print.js';
export { diffOSDMaps, formatOSDMapDiff, type OSDMapDiff } from './diff.js';
