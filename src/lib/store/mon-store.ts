import { MonctlError } from '../errors.js';
import { Reader } from '../encoding/index.js';
import type { KvBackend, ListingText, RawBatchOp, RawEntry } from './backend.js';
import { keyName, prefixRange, rawKey, splitRawKey } from './keys.js';
import { locateStore, type StoreLocation } from './locate.js';
import { OP_COMPACT, OP_ERASE, OP_ERASE_RANGE, OP_PUT, opTypeName, type Transaction } from './transaction.js';

const utf8 = new TextEncoder();

/** A raw key range as strings (`prefix\0key` form); see `prefixKeyRange`. */
export interface KeyRange {
  gte?: string;
  lt?: string;
}

/** The raw key range of one prefix, or of the whole store. */
export function prefixKeyRange(prefix?: string): KeyRange {
  return prefix === undefined ? {} : { gte: `${prefix}\0`, lt: `${prefix}\u0001` };
}

export interface KvEntry {
  prefix: string;
  key: string;
  value: Uint8Array;
}

export interface OpenOptions {
  /** Open the real store read-write (takes its LOCK). Default: a read-only view. */
  write?: boolean;
}

export interface ApplyOptions {
  /**
   * Run the transaction's compactions after apply() returns, one at a time, as Ceph's
   * MonitorDBStore does (compact_range_async once the batch is synced). close() waits for
   * them. Default: apply() waits for them.
   */
  backgroundCompaction?: boolean;
}

export interface ApplyResult {
  puts: number;
  erases: number;
  compactions: number;
}

/**
 * A monitor's key-value store with MonitorDBStore's layout. Read-only by default, and then
 * guaranteed not to change a byte of the user's directory; `write: true` takes the store's
 * LOCK (so a live monitor makes it fail with STORE_LOCKED) and applies Transactions as one
 * atomic batch.
 */
export class MonStore {
  private constructor(
    readonly location: StoreLocation,
    private readonly db: KvBackend,
  ) {}

  /** The tail of the background compactions queued by apply(); close() waits for it. */
  private compacting: Promise<void> = Promise.resolve();
  private compactionError: unknown;

  static async open(path: string | undefined, opts: OpenOptions = {}): Promise<MonStore> {
    const location = locateStore(path);
    const write = opts.write === true;
    // Backends load on first use: each pulls in a native addon (start-up time).
    if (location.backend === 'rocksdb') {
      const { openRocksDb } = await import('./rocksdb-open.js');
      return new MonStore(location, await openRocksDb(location.dbDir, write));
    }
    // Read-only LevelDB never opens the user's directory read-write (see leveldb.ts).
    const { LevelDbBackend } = await import('./leveldb.js');
    return new MonStore(location, await LevelDbBackend.open(location.dbDir, write));
  }

  get backend(): string {
    return this.location.backend;
  }

  get writable(): boolean {
    return this.db.writable;
  }

  async close(): Promise<void> {
    await this.compacting;
    return this.db.close();
  }

  /** Runs `fn` on an opened store and always closes it. */
  static async with<T>(path: string | undefined, opts: OpenOptions, fn: (store: MonStore) => Promise<T>): Promise<T> {
    const store = await MonStore.open(path, opts);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  get(prefix: string, key: string): Promise<Uint8Array | undefined> {
    return this.db.get(rawKey(prefix, key));
  }

  /** A synchronous `get` when the backend has one (see KvBackend.syncGetter), else undefined. */
  async syncGetter(): Promise<((prefix: string, key: string) => Uint8Array | undefined) | undefined> {
    if (!this.db.syncGetter) return undefined;
    const get = await this.db.syncGetter();
    return (prefix, key) => get(rawKey(prefix, key));
  }

  async require(prefix: string, key: string): Promise<Uint8Array> {
    const v = await this.get(prefix, key);
    if (v === undefined) {
      throw new MonctlError('KEY_NOT_FOUND', `no key ${keyName(prefix, key)} in the store`, {
        key: keyName(prefix, key),
        actions: ['List what the store holds with `monctl store list --prefix ' + prefix + '`.'],
      });
    }
    return v;
  }

  /** A version_t (u64) value; undefined when the key is absent, like Ceph's 0-default. */
  async getVersion(prefix: string, key: string): Promise<bigint | undefined> {
    const v = await this.get(prefix, key);
    if (v === undefined) return undefined;
    try {
      const r = new Reader(v);
      const n = r.u64('version_t');
      r.end('version_t');
      return n;
    } catch (e) {
      throw e instanceof MonctlError ? e.withKey(keyName(prefix, key)) : e;
    }
  }

  /** Entries in store order, in chunks; `values: false` reads keys only (faster). */
  async *chunks(opts: { prefix?: string; values?: boolean } = {}): AsyncIterable<KvEntry[]> {
    const range = opts.prefix === undefined ? {} : prefixRange(opts.prefix);
    for await (const chunk of this.db.chunks({ ...range, values: opts.values })) {
      yield chunk.map(({ key, value }) => ({ ...splitRawKey(key), value }));
    }
  }

  /** Keys as `prefix\0key` strings in [gte, lt), in chunks: the fast path for listings. */
  keyStrings(range: KeyRange = {}): AsyncIterable<string[]> {
    return this.db.keyStrings(range);
  }

  /** Raw `prefix\0key` entries in [gte, lt), for byte-exact copies and CRCs. */
  rawChunks(range: KeyRange = {}): AsyncIterable<RawEntry[]> {
    return this.db.chunks({
      ...(range.gte !== undefined ? { gte: utf8.encode(range.gte) } : {}),
      ...(range.lt !== undefined ? { lt: utf8.encode(range.lt) } : {}),
    });
  }

  /** `list`/`list-crc` output chunks from the backend's fast path, else from `fallback`. */
  listingText(withCrc: boolean, range: KeyRange, fallback: () => AsyncIterable<ListingText>): AsyncIterable<ListingText> {
    const raw = {
      ...(range.gte !== undefined ? { gte: utf8.encode(range.gte) } : {}),
      ...(range.lt !== undefined ? { lt: utf8.encode(range.lt) } : {}),
    };
    return this.db.listingText ? this.db.listingText(withCrc, raw, fallback) : fallback();
  }

  approximateSize(range: Required<KeyRange>): Promise<number> {
    return this.db.approximateSize(range.gte, range.lt);
  }

  async *entries(opts: { prefix?: string; values?: boolean } = {}): AsyncIterable<KvEntry> {
    for await (const chunk of this.chunks(opts)) yield* chunk;
  }

  /**
   * Applies a MonitorDBStore::Transaction as one atomic batch, then its COMPACT ops, the
   * order MonitorDBStore::apply_transaction uses.
   */
  async apply(tx: Transaction, opts: ApplyOptions = {}): Promise<ApplyResult> {
    if (!this.db.writable) throw new Error('assertion: apply() on a store opened read-only');
    if (this.compactionError !== undefined) throw this.compactionError;
    const batch: RawBatchOp[] = [];
    const compactions: Array<[Uint8Array, Uint8Array]> = [];
    let puts = 0;
    let erases = 0;
    for (const op of tx.ops) {
      switch (op.type) {
        case OP_PUT:
          batch.push({ type: 'put', key: rawKey(op.prefix, op.key), value: op.value });
          puts++;
          break;
        case OP_ERASE:
          batch.push({ type: 'del', key: rawKey(op.prefix, op.key) });
          erases++;
          break;
        case OP_ERASE_RANGE:
          for await (const chunk of this.db.chunks({ gte: rawKey(op.prefix, op.key), lt: rawKey(op.prefix, op.endKey), values: false })) {
            for (const e of chunk) batch.push({ type: 'del', key: e.key });
            erases += chunk.length;
          }
          break;
        case OP_COMPACT:
          // A store only its own release's RocksDB rewrites is left for that RocksDB to compact.
          if (this.db.compacts === false) break;
          compactions.push(
            op.key === '' && op.endKey === ''
              ? [prefixRange(op.prefix).gte, prefixRange(op.prefix).lt]
              : [rawKey(op.prefix, op.key), rawKey(op.prefix, op.endKey)],
          );
          break;
        default:
          throw new MonctlError('DECODE_INVALID', `transaction op has unknown type ${op.type} (${opTypeName(op.type)})`, {
            actions: ['Refusing to apply a transaction monctl does not fully understand.'],
          });
      }
    }
    if (batch.length > 0) await this.db.batch(batch);
    if (opts.backgroundCompaction) {
      // Compaction changes no key or value; a failure is reported by the next apply().
      for (const [start, end] of compactions)
        this.compacting = this.compacting.then(() => this.db.compactRange(start, end)).catch((e: unknown) => void (this.compactionError ??= e));
    } else {
      for (const [start, end] of compactions) await this.db.compactRange(start, end);
    }
    return { puts, erases, compactions: compactions.length };
  }

  /** What the backend's own files prove damaged (see KvBackend.verifyFiles). */
  verifyFiles(): Array<{ file: string; offset?: number; message: string }> {
    return this.db.verifyFiles?.() ?? [];
  }

  /** Compacts the whole key space (what `ceph-kvstore-tool compact` does). */
  async compact(): Promise<void> {
    if (this.db.compacts === false) {
      throw new MonctlError('DECODE_TOO_NEW', `${this.location.dbDir} holds tables of a newer RocksDB (XXH3 checksums, Ceph 17+) that monctl does not rewrite`, {
        actions: [
          "Compact it with the Ceph release's own tool while the monitor is stopped: ceph-kvstore-tool rocksdb <store.db> compact (or set mon_compact_on_start = true and restart the monitor).",
        ],
      });
    }
    await this.db.compactRange(new Uint8Array([0]), new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  }
}
