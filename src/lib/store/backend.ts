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

export type RawBatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export interface KvBackend {
  readonly kind: BackendKind;
  readonly writable: boolean;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Entries in key order, in chunks (arrays) to keep per-entry overhead low. */
  chunks(range: RawRange): AsyncIterable<RawEntry[]>;
  /** Applies every op or none: one atomic write batch, synced. */
  batch(ops: RawBatchOp[]): Promise<void>;
  compactRange(start: Uint8Array, end: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
