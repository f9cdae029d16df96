/**
 * OSDMaps in a monitor store: `osdmap/full_<e>` (a full map) and `osdmap/<e>` (the
 * Incremental that made epoch e), between `osdmap/first_committed` and `last_committed`.
 * verify.ts replays the history these keys hold.
 */
import { MonctlError } from '../../errors.js';
import { keyName, type MonStore } from '../../store/index.js';
import { decodeIncremental, type Incremental } from '../../osdmap/incremental.js';
import { decodeOSDMap } from '../../osdmap/osdmap.js';
import { effectiveRequireOsdRelease, type OSDMap } from '../../osdmap/osdmap-types.js';
import { NEWEST_KNOWN_RELEASE, OLDEST_KNOWN_RELEASE } from '../../ceph-releases.js';

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

export function withKey<T>(key: string, fn: () => T): T {
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

export function describeRange(r: OsdmapRange): string {
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

/**
 * The Incremental that made `epoch`, with the release whose names show it: the
 * require_osd_release of that epoch's full map (undefined when the full map is not stored,
 * e.g. pruned, or when it is older than Pacific).
 */
export async function readIncrementalWithRelease(store: MonStore, epoch: number | bigint | string): Promise<StoredIncremental & { release?: number }> {
  const stored = await readIncremental(store, epoch);
  const full = await store.get(OSDMAP_PREFIX, `full_${stored.epoch}`);
  if (full === undefined) return stored;
  const r = effectiveRequireOsdRelease(withKey(keyName(OSDMAP_PREFIX, `full_${stored.epoch}`), () => decodeOSDMap(full)));
  return { ...stored, ...(r >= OLDEST_KNOWN_RELEASE && r <= NEWEST_KNOWN_RELEASE ? { release: r } : {}) };
}

// ---- diff ------------------------------------------------------------------------------------
