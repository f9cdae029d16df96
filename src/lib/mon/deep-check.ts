/**
 * What `monctl store check` proves beyond the store's own bookkeeping (store-check.ts):
 * every value monctl has a codec for decodes (MonMaps, full OSDMaps and incrementals, each
 * with its CRC checked as Ceph's decode does), and the OSDMap history rebuilds: every
 * incremental applied to the map before it gives the stored full map byte for byte, with the
 * incremental's full_crc (the chain `osdmap verify` checks).
 */
import { storeValueDecoders } from './decoders.js';
import { MonctlError } from '../errors.js';
import { readOsdmapRange } from './osd/store.js';
import { verifyHistoryParallel } from './osd/verify-parallel.js';
import type { MonStore } from '../store/index.js';
import type { CheckOptions, Problem } from './store-check.js';

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The OSDMap history from first_committed to last_committed, as problems. */
async function osdmapHistory(store: MonStore): Promise<Problem[]> {
  try {
    const range = await readOsdmapRange(store);
    if (range.last === 0) return [];
    const r = await verifyHistoryParallel(store, {});
    if (r.ok || !r.mismatch) return [];
    const m = r.mismatch;
    const what =
      m.reason === 'bytes'
        ? `epoch ${m.epoch} rebuilt from the incrementals differs from the stored full map at byte ${m.offset} (stored ${m.storedLength} bytes, rebuilt ${m.rebuiltLength})`
        : `epoch ${m.epoch}: the incremental's full_crc ${hex32(m.incFullCrc)} is not the CRC of the rebuilt map ${hex32(m.rebuiltCrc)}`;
    return [{ code: 'OSDMAP_HISTORY', key: m.key, message: `${what}; epochs before it match (\`monctl osdmap verify\` shows more)` }];
  } catch (e) {
    if (!(e instanceof MonctlError)) throw e;
    return [{ code: 'OSDMAP_HISTORY', ...(e.key !== undefined ? { key: e.key } : {}), message: `the OSDMap history cannot be rebuilt: ${e.describe()}` }];
  }
}

/** Every value with a codec decodes (a failure throws its MonctlError). */
function decodeValue(prefix: string, key: string, value: Uint8Array): void {
  for (const d of storeValueDecoders) if (d(prefix, key, value) !== undefined) return;
}

export const deepCheckOptions: CheckOptions = { decodeValue, extra: [osdmapHistory] };
