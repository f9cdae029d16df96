export * from './types.js';
export { decodeCrushMap, encodeCrushMap } from './codec.js';
export {
  dumpCrushMap,
  tunablesProfile,
  minRequiredVersion,
  crushFeatureUse,
  weightFloat,
  itemClass,
  type JsonValue,
} from './dump.js';
export { decompileCrushMap, fixedPoint3, isValidCrushName } from './decompile.js';
export { crushTree, type CrushTreeJson, type CrushTreeTable } from './tree.js';
