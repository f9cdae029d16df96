/** The one place the host binds to the pure core: MonitorNode, the message codec, a clock. */
import { utimeFromDate, type UTime } from '../../encoding/index.js';
import type { MonitorConfig } from '../api.js';
import { decodeMessage, encodeMessage } from '../message-codec.js';
import { MonitorNode } from '../monitor.js';

export { MONITOR_DEFAULTS } from '../monitor.js';
import type { QuorumCodec, QuorumNode } from './node-types.js';

/** Wall-clock time for map `created`/`modified` stamps (the core has no clock of its own). */
export function wallClock(): UTime {
  return utimeFromDate(Date.now());
}

export function createCoreNode(config: MonitorConfig, stored: Map<string, Uint8Array>): QuorumNode {
  return new MonitorNode(config, stored, { clock: wallClock });
}

export const coreCodec: QuorumCodec = { encodeMessage, decodeMessage };
