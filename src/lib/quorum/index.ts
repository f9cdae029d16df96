/** The embedded mini-quorum's pure core: api.ts is the host contract (types only), the rest its implementations. */
export * from './api.js';
export { MonitorNode, type MonitorOptions } from './monitor.js';
export { encodeMessage, decodeMessage } from './message-codec.js';
export { parseMutation, checkMutation } from './mutation-check.js';
export { applyTransaction, kvKey, splitKvKey } from './kv.js';
