export * from './types.js';
export { crushAsDecoded, crushTailGroupsFor, decodeCrushMap, encodeCrushMap, reencodeCrushMap } from './codec.js';
export {
  dumpCrushMap,
  crushDumpText,
  tunablesProfile,
  minRequiredVersion,
  crushFeatureUse,
  weightFloat,
  itemClass,
  type JsonValue,
} from './dump.js';
export { decompileCrushMap, fixedPoint3, isValidCrushName } from './decompile.js';
export { crushTree, type CrushTreeJson, type CrushTreeTable } from './tree.js';
export { hash32_1, hash32_2, hash32_3, hash32_4, hash32_5, CRUSH_HASH_RJENKINS1 } from './hash.js';
export { crushLn, straw2LnTable, RH_LH_TABLE, LL_TABLE } from './ln.js';
export { bucketChoose, permChoose, runtimeBucket, type RuntimeBucket } from './buckets.js';
export {
  createCrushContext,
  doRule,
  doRuleInto,
  CRUSH_ITEM_NONE,
  DEFAULT_CHOOSE_ARGS,
  type CrushContext,
  type CrushContextOptions,
} from './mapper.js';
export {
  crushTestLines,
  crushTestChunks,
  crushTestSteps,
  mapXRange,
  xRangeSetup,
  crushTestText,
  crushTestWeights,
  testDeviceWeight,
  maximumAffectedByRule,
  formatVector,
  formatFloatG,
  type CrushTestOptions,
  type CrushTestMapping,
  type CrushTestStats,
  type XRangeRequest,
  type XRangeResult,
  type XRangeSetup,
} from './tester.js';
export { compileCrush, compileCrushText, type CompileStats } from './compile.js';
export { parseCrushText } from './compile-parse.js';
