/**
 * The key-value contract MonStore needs from a backend. Keys and values are raw bytes;
 * the `prefix\0key` split lives in MonStore, not here. One contract test suite runs
 * against every backend.
 */

export type BackendKind = 'leveldb' | 'rocksdb';

export interface RawEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface RawRange {
  /** Inclusive lower bound; omitted = from the first key. */
  gte?: Uint8Array;
  /** Exclusive upper bound; omitted = to the last key. */
  lt?: Uint8Array;
  /** false = keys only (values are empty arrays). */
  values?: boolean;
}

/** A chunk of `ceph-kvstore-tool list`/`list-crc` output and how many keys it covers. */
export interface ListingText {
  text: string;
  keys: number;
}

export type RawBatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export interface KvBackend {
  readonly kind: BackendKind;
  readonly writable: boolean;
  /** false when compactRange() cannot compact (it is then a no-op); default true. */
  readonly compacts?: boolean;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /**
   * Optional fast path for long runs of point lookups (osdmap verify): a synchronous `get`
   * that runs on the calling thread (no thread pool hand-off, no promise per value).
   */
  syncGetter?(): Promise<(key: Uint8Array) => Uint8Array | undefined>;
  /** Entries in key order, in chunks (arrays) to keep per-entry overhead low. */
  chunks(range: RawRange): AsyncIterable<RawEntry[]>;
  /**
   * Raw keys (`prefix\0key`) decoded as UTF-8 strings by the native side, in chunks: the
   * fast path for key listings (no Buffer per key). Mon store keys are text.
   */
  keyStrings(range: { gte?: string; lt?: string }): AsyncIterable<string[]>;
  /**
   * Optional fast path: the listing lines made by the backend from key bytes (no string per
   * key); `fallback` makes them the generic way when the backend cannot.
   */
  listingText?(withCrc: boolean, range: RawRange, fallback: () => AsyncIterable<ListingText>): AsyncIterable<ListingText>;
  /**
   * Optional: checks what the backend's files can prove on their own (every table block's
   * checksum, log records), one line per damaged file; [] when nothing is wrong.
   */
  verifyFiles?(): Array<{ file: string; offset?: number; message: string }>;
  /** Approximate on-disk bytes of the keys in [gte, lt) (table files only). */
  approximateSize(gte: string, lt: string): Promise<number>;
  /** Applies every op or none: one atomic write batch, synced. */
  batch(ops: RawBatchOp[]): Promise<void>;
  compactRange(start: Uint8Array, end: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
