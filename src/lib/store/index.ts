export { MonStore, prefixKeyRange, type KeyRange, type KvEntry, type OpenOptions, type ApplyResult } from './mon-store.js';
export { locateStore, detectBackendFromFiles, type StoreLocation } from './locate.js';
export type { BackendKind } from './backend.js';
export { rawKey, splitRawKey, prefixRange, keyName, rawKeyValueCrc, urlEscape, kvToolKeyLine } from './keys.js';
export * from './transaction.js';
export { checkStore, type CheckReport, type Problem } from './check.js';
export { storeStats, type StoreStats, type PrefixStats } from './stats.js';
export { writeTransaction, type WriteRequest, type WriteResult } from './safe-write.js';
export { copyStore, type CopyResult } from './copy.js';
