/**
 * verifyHistory replays the monitor's work: from the first stored full map it applies each
 * incremental, encodes the result with the incremental's features, and compares the bytes and
 * CRC with the stored `full_<e>` (and the CRC with the incremental's full_crc).
 *
 * It is built for long histories: maps share what an epoch leaves alone
 * (applyIncrementalShared), the encoder reuses the previous epoch's encoded parts and their
 * CRCs (EncodeCache), and the store reads of the next epochs are in flight while one epoch is
 * checked. Every rebuilt map is still encoded in full and compared byte for byte.
 */
import { crc32c } from '../../encoding/index.js';
import { MonctlError } from '../../errors.js';
import { keyName, type MonStore } from '../../store/index.js';
import { applyIncrementalShared } from '../../osdmap/apply.js';
import { EncodeCache } from '../../osdmap/encode-cache.js';
import { decodeIncremental } from '../../osdmap/incremental.js';
import { crcField } from '../../osdmap/osdmap.js';
import { describeRange, OSDMAP_PREFIX, readFullMap, readOsdmapRange, withKey, type OsdmapRange } from './store.js';

export interface HistoryMismatch {
  epoch: number;
  key: string;
  /** What differs: the bytes (and so the CRC), or only the incremental's full_crc. */
  reason: 'bytes' | 'inc_full_crc';
  /** Byte offset of the first differing byte (the shorter length when one is a prefix). */
  offset?: number;
  storedLength: number;
  rebuiltLength: number;
  /** The CRC field of the stored value, and CRC-32C over its bytes as Ceph computes it. */
  storedCrc: number;
  storedComputedCrc: number;
  rebuiltCrc: number;
  incFullCrc: number;
}

export interface HistoryReport {
  from: number;
  to: number;
  /** Full maps rebuilt from incrementals and compared. */
  rebuilt: number;
  /** Epochs whose full map is not stored (pruned), rebuilt but not compared. */
  missingFull: number[];
  ok: boolean;
  mismatch?: HistoryMismatch;
}

export interface VerifyOptions {
  from?: number;
  to?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Store reads kept in flight ahead of the epoch being checked. */
const READ_AHEAD = 8;

function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  if (a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b)) return undefined;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

export function resolveRange(range: OsdmapRange, opts: VerifyOptions): { from: number; to: number } {
  const from = opts.from ?? range.first;
  const to = opts.to ?? range.last;
  if (range.last === 0) {
    throw new MonctlError('KEY_NOT_FOUND', 'the store has no OSDMap epochs to verify', { key: keyName(OSDMAP_PREFIX, 'last_committed') });
  }
  if (from < range.first || to > range.last || from > to) {
    throw new MonctlError('BAD_ARGUMENT', `cannot verify epochs ${from}..${to}: ${describeRange(range)}`, {
      actions: [`Pass --from and --to within ${range.first}..${range.last}.`],
    });
  }
  return { from, to };
}

interface EpochValues {
  inc: Uint8Array | undefined;
  full: Uint8Array | undefined;
}

/** Epochs read synchronously between turns of the event loop (progress, worker messages). */
const SYNC_BATCH = 16;

/**
 * Reads epochs from..to in order: synchronously when the store can (one core does the reads
 * and the checks, no thread-pool hand-off per value), else keeping READ_AHEAD epochs' reads
 * in flight.
 */
async function* readEpochs(store: MonStore, from: number, to: number): AsyncGenerator<[number, EpochValues]> {
  const get = await store.syncGetter();
  if (get) {
    for (let e = from; e <= to; e++) {
      if ((e - from) % SYNC_BATCH === SYNC_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
      yield [e, { inc: get(OSDMAP_PREFIX, String(e)), full: get(OSDMAP_PREFIX, `full_${e}`) }];
    }
    return;
  }
  const read = async (e: number): Promise<EpochValues> => {
    const [inc, full] = await Promise.all([store.get(OSDMAP_PREFIX, String(e)), store.get(OSDMAP_PREFIX, `full_${e}`)]);
    return { inc, full };
  };
  const queue: Promise<EpochValues>[] = [];
  let next = from;
  for (let e = from; e <= to; e++) {
    while (next <= to && next < e + READ_AHEAD) queue.push(read(next++));
    yield [e, await queue.shift()!];
  }
}

function mismatch(e: number, stored: Uint8Array, rebuilt: Uint8Array, incFullCrc: number): HistoryMismatch | undefined {
  const offset = firstDifference(stored, rebuilt);
  const rebuiltCrc = crcField(rebuilt);
  if (offset === undefined && rebuiltCrc === incFullCrc) return undefined;
  return {
    epoch: e,
    key: keyName(OSDMAP_PREFIX, `full_${e}`),
    reason: offset !== undefined ? 'bytes' : 'inc_full_crc',
    ...(offset !== undefined ? { offset } : {}),
    storedLength: stored.length,
    rebuiltLength: rebuilt.length,
    storedCrc: crcField(stored),
    storedComputedCrc: stored.length < 4 ? 0 : crc32c(0xffffffff, stored.subarray(0, stored.length - 4)),
    rebuiltCrc,
    incFullCrc,
  };
}

/**
 * Rebuilds epochs from+1..to from the stored full map of `from` and the incrementals, and
 * stops at the first epoch whose rebuilt bytes or CRC differ from what is stored.
 */
export async function verifyHistory(store: MonStore, opts: VerifyOptions = {}): Promise<HistoryReport> {
  const { from, to } = resolveRange(await readOsdmapRange(store), opts);
  let map = (await readFullMap(store, from)).map;
  const report: HistoryReport = { from, to, rebuilt: 0, missingFull: [], ok: true };
  if (from === to) return report;
  const cache = new EncodeCache();
  for await (const [e, values] of readEpochs(store, from + 1, to)) {
    const incKey = keyName(OSDMAP_PREFIX, String(e));
    if (values.inc === undefined) {
      throw new MonctlError('KEY_NOT_FOUND', `no OSDMap incremental for epoch ${e} in the store`, {
        key: incKey,
        actions: ['The history has a gap: verify the epochs on either side of it with --from/--to.'],
      });
    }
    const incBytes = values.inc;
    const inc = withKey(incKey, () => decodeIncremental(incBytes));
    const applied = withKey(incKey, () => applyIncrementalShared(map, inc, cache));
    map = applied.map;
    opts.onProgress?.(e - from, to - from);
    if (values.full === undefined) {
      report.missingFull.push(e);
      continue;
    }
    report.rebuilt++;
    const bad = mismatch(e, values.full, applied.bytes, inc.fullCrc);
    if (bad) {
      report.ok = false;
      report.mismatch = bad;
      return report;
    }
  }
  return report;
}
