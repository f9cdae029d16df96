/**
 * Reading the MonMap a monitor store holds: `monmap/<epoch>` values, the newest being
 * `monmap/last_committed` (what `ceph-monstore-tool <store> get monmap` picks by default).
 */
import { Reader } from '../../encoding/index.js';
import { MonctlError } from '../../errors.js';
import type { MonStore } from '../../store/index.js';
import { decodeMonMap, type MonMap } from '../../monmap/monmap.js';

export const MONMAP_PREFIX = 'monmap';

export interface StoredMonMap {
  /** The epoch read (the `monmap/<epoch>` key). */
  epoch: number;
  /** `monmap/<epoch>`. */
  key: string;
  /** The value as stored: exactly what `ceph-monstore-tool get monmap --out` writes. */
  bytes: Uint8Array;
  map: MonMap;
}

/** Decodes a MonMap value; errors name `key` when given. */
export function decodeStoredMonMap(bytes: Uint8Array, key?: string): MonMap {
  try {
    return decodeMonMap(new Reader(bytes));
  } catch (e) {
    if (e instanceof MonctlError && key !== undefined) throw e.withKey(key);
    throw e;
  }
}

function parseEpoch(epoch: number | bigint | string): number {
  const s = String(epoch);
  if (!/^[1-9][0-9]*$/.test(s) || Number(s) > 0xffffffff) {
    throw new MonctlError('BAD_ARGUMENT', `a monmap epoch is a number from 1 to 4294967295, not "${s}"`);
  }
  return Number(s);
}

/**
 * The MonMap of `epoch` (default: `monmap/last_committed`). A missing epoch is KEY_NOT_FOUND
 * naming the key and the epochs the store has.
 */
export async function readMonMap(store: MonStore, epoch?: number | bigint | string): Promise<StoredMonMap> {
  const first = await store.getVersion(MONMAP_PREFIX, 'first_committed');
  const last = await store.getVersion(MONMAP_PREFIX, 'last_committed');
  let e: number;
  if (epoch === undefined) {
    if (last === undefined || last === 0n) {
      throw new MonctlError('KEY_NOT_FOUND', 'the store has no monmap (monmap/last_committed is missing or 0)', {
        key: `${MONMAP_PREFIX}/last_committed`,
        actions: [
          'Check that --store names a monitor data dir: `monctl store versions` lists its services.',
          'Rebuild a monmap with monmaptool and inject it with `ceph-mon --inject-monmap`.',
        ],
      });
    }
    e = parseEpoch(last);
  } else {
    e = parseEpoch(epoch);
  }
  const key = `${MONMAP_PREFIX}/${e}`;
  const bytes = await store.get(MONMAP_PREFIX, String(e));
  if (bytes === undefined) {
    const range =
      last === undefined || last === 0n
        ? 'the store has no monmap epochs'
        : `the store has epochs ${first ?? last} to ${last}`;
    throw new MonctlError('KEY_NOT_FOUND', `no monmap epoch ${e} in the store: ${range}`, {
      key,
      actions: ['See which epochs exist with `monctl store versions --map-type monmap`.'],
    });
  }
  return { epoch: e, key, bytes, map: decodeStoredMonMap(bytes, key) };
}
