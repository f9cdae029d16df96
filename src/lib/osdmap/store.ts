/**
 * OSDMaps in a monitor store: `osdmap/full_<e>` (a full map) and `osdmap/<e>` (the
 * Incremental that made epoch e), between `osdmap/first_committed` and `last_committed`.
 *
 * verifyHistory replays the monitor's work: from the first stored full map it applies each
 * incremental, encodes the result with the incremental's features, and compares the bytes and
 * CRC with the stored `full_<e>` (and the CRC with the incremental's full_crc). diffOSDMaps
 * says what changed between two maps, as a typed object.
 */
import { crc32c } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { keyName, type MonStore } from '../store/index.js';
import { applyIncremental } from './apply.js';
import { decodeIncremental, type Incremental } from './incremental.js';
import { decodeOSDMap, encodeOSDMap } from './osdmap.js';
import { type OSDMap } from './osdmap-types.js';

export const OSDMAP_PREFIX = 'osdmap';

export interface StoredFullMap {
  epoch: number;
  /** `osdmap/full_<epoch>`. */
  key: string;
  /** The value as stored: what `ceph-monstore-tool get osdmap -- --version N --out F` writes. */
  bytes: Uint8Array;
  map: OSDMap;
}

export interface StoredIncremental {
  epoch: number;
  /** `osdmap/<epoch>`. */
  key: string;
  bytes: Uint8Array;
  inc: Incremental;
}

export interface OsdmapRange {
  first: number;
  last: number;
}

function withKey<T>(key: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof MonctlError ? e.withKey(key) : e;
  }
}

/** osdmap/first_committed..last_committed (0..0 when the store has no OSDMap). */
export async function readOsdmapRange(store: MonStore): Promise<OsdmapRange> {
  const first = (await store.getVersion(OSDMAP_PREFIX, 'first_committed')) ?? 0n;
  const last = (await store.getVersion(OSDMAP_PREFIX, 'last_committed')) ?? 0n;
  return { first: Number(first), last: Number(last) };
}

function describeRange(r: OsdmapRange): string {
  return r.last === 0 ? 'the store has no osdmap epochs' : `the store has epochs ${r.first} to ${r.last}`;
}

export function parseEpoch(epoch: number | bigint | string, what = 'an osdmap epoch'): number {
  const s = String(epoch);
  if (!/^[0-9]+$/.test(s) || Number(s) > 0xffffffff) {
    throw new MonctlError('BAD_ARGUMENT', `${what} is a number from 0 to 4294967295, not "${s}"`, {
      actions: ['See the stored epochs with `monctl store versions`.'],
    });
  }
  return Number(s);
}

async function requireEpochKey(store: MonStore, key: string, epoch: number, what: string): Promise<Uint8Array> {
  const bytes = await store.get(OSDMAP_PREFIX, key);
  if (bytes !== undefined) return bytes;
  const range = await readOsdmapRange(store);
  throw new MonctlError('KEY_NOT_FOUND', `no ${what} for epoch ${epoch} in the store: ${describeRange(range)}`, {
    key: keyName(OSDMAP_PREFIX, key),
    actions: [
      'Pick an epoch in the stored range (`monctl store versions`).',
      'Full maps of old epochs may have been pruned (osdmap_manifest); rebuild them with `monctl osdmap apply-inc`.',
    ],
  });
}

/**
 * The stored bytes of full map `epoch` (default: osdmap/last_committed), not decoded: what
 * `ceph-monstore-tool get osdmap -- --version N --out F` writes, even for a damaged value.
 */
export async function readFullMapBytes(store: MonStore, epoch?: number | bigint | string): Promise<Omit<StoredFullMap, 'map'>> {
  let e: number;
  if (epoch === undefined) {
    const range = await readOsdmapRange(store);
    if (range.last === 0) {
      throw new MonctlError('KEY_NOT_FOUND', 'the store has no OSDMap (osdmap/last_committed is missing or 0)', {
        key: keyName(OSDMAP_PREFIX, 'last_committed'),
        actions: ['Check that --store names a monitor data dir: `monctl store versions` lists its services.'],
      });
    }
    e = range.last;
  } else e = parseEpoch(epoch);
  const key = `full_${e}`;
  const bytes = await requireEpochKey(store, key, e, 'full OSDMap');
  return { epoch: e, key: keyName(OSDMAP_PREFIX, key), bytes };
}

/** The full map of `epoch` (default: osdmap/last_committed), decoded; errors name the key. */
export async function readFullMap(store: MonStore, epoch?: number | bigint | string): Promise<StoredFullMap> {
  const stored = await readFullMapBytes(store, epoch);
  return { ...stored, map: withKey(stored.key, () => decodeOSDMap(stored.bytes)) };
}

/** The Incremental that made `epoch` (osdmap/<epoch>). */
export async function readIncremental(store: MonStore, epoch: number | bigint | string): Promise<StoredIncremental> {
  const e = parseEpoch(epoch);
  const bytes = await requireEpochKey(store, String(e), e, 'OSDMap incremental');
  const name = keyName(OSDMAP_PREFIX, String(e));
  return { epoch: e, key: name, bytes, inc: withKey(name, () => decodeIncremental(bytes)) };
}

// ---- history verification --------------------------------------------------------------------

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

/** The CRC field at the end of a v8 OSDMap, and CRC-32C of the bytes before it. */
function storedCrcs(bytes: Uint8Array): { field: number; computed: number } {
  if (bytes.length < 4) return { field: 0, computed: 0 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { field: view.getUint32(bytes.length - 4, true), computed: crc32c(0xffffffff, bytes.subarray(0, bytes.length - 4)) };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : n;
}

function resolveRange(range: OsdmapRange, opts: VerifyOptions): { from: number; to: number } {
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

/**
 * Rebuilds epochs from+1..to from the stored full map of `from` and the incrementals, and
 * stops at the first epoch whose rebuilt bytes or CRC differ from what is stored.
 */
export async function verifyHistory(store: MonStore, opts: VerifyOptions = {}): Promise<HistoryReport> {
  const { from, to } = resolveRange(await readOsdmapRange(store), opts);
  let map = (await readFullMap(store, from)).map;
  const report: HistoryReport = { from, to, rebuilt: 0, missingFull: [], ok: true };
  const total = to - from;
  for (let e = from + 1; e <= to; e++) {
    const { inc } = await readIncremental(store, e);
    const key = keyName(OSDMAP_PREFIX, `full_${e}`);
    map = withKey(keyName(OSDMAP_PREFIX, String(e)), () => applyIncremental(map, inc));
    // An incremental that carries a whole map (epoch 1, forced full maps) is stored as is.
    const rebuilt = inc.fullmap.length > 0 ? inc.fullmap : encodeOSDMap(map, inc.encodeFeatures);
    const rebuiltCrc = storedCrcs(rebuilt).field;
    const stored = await store.get(OSDMAP_PREFIX, `full_${e}`);
    opts.onProgress?.(e - from, total);
    if (stored === undefined) {
      report.missingFull.push(e);
      continue;
    }
    report.rebuilt++;
    const offset = firstDifference(stored, rebuilt);
    const crcs = storedCrcs(stored);
    if (offset !== undefined || rebuiltCrc !== inc.fullCrc) {
      report.ok = false;
      report.mismatch = {
        epoch: e,
        key,
        reason: offset !== undefined ? 'bytes' : 'inc_full_crc',
        ...(offset !== undefined ? { offset } : {}),
        storedLength: stored.length,
        rebuiltLength: rebuilt.length,
        storedCrc: crcs.field,
        storedComputedCrc: crcs.computed,
        rebuiltCrc,
        incFullCrc: inc.fullCrc,
      };
      return report;
    }
  }
  return report;
}

// ---- diff ------------------------------------------------------------------------------------
