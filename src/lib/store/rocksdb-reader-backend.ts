import { MonctlError } from '../errors.js';
import type { KvBackend, ListingText, RawBatchOp, RawEntry, RawRange } from './backend.js';
import { readerChunks, readerKeyStrings, readerListing } from './leveldb-reader/chunks.js';
import { compareBytes } from './leveldb-reader/format.js';
import { lockRocksDbStore, type HeldLock } from './rocksdb-lock.js';
import { RocksDbReader } from './rocksdb-reader/index.js';
import { appendWal } from './rocksdb-wal-writer.js';

const utf8 = new TextEncoder();

/** The reader never hands a call back to a fallback: it reads every store or says why not. */
async function* noFallback<T>(): AsyncIterable<T> {
  throw new Error('assertion: the RocksDB reader does not fall back');
}

/**
 * RocksDB through monctl's own reader (rocksdb-reader/): every release's tables, no LOCK,
 * nothing written. Writable when opened with the store's LOCK held: a batch becomes one new
 * write-ahead log (rocksdb-wal-writer.ts) that the store's own RocksDB replays, so tables
 * are only ever written by the release the store belongs to. Such a store cannot be
 * compacted here (`compacts` is false); trims leave compaction to the monitor's RocksDB.
 */
export class RocksDbReaderBackend implements KvBackend {
  readonly kind = 'rocksdb' as const;
  readonly compacts = false;

  private constructor(
    private readonly dir: string,
    private reader: RocksDbReader,
    readonly writable: boolean,
    private readonly lock: HeldLock | undefined,
  ) {}

  static async open(dir: string, writable: boolean): Promise<RocksDbReaderBackend> {
    if (!writable) return new RocksDbReaderBackend(dir, await RocksDbReader.open(dir), false, undefined);
    const lock = await lockRocksDbStore(dir);
    try {
      const reader = await RocksDbReader.open(dir);
      const wal = reader.wal;
      if (wal.cut && wal.nextSequence === undefined) {
        // Recovery stops at a torn first record and never reaches a later log: a write added
        // as a new log would be silently dropped by the monitor's RocksDB.
        reader.close();
        throw new MonctlError('STORE_OPEN_FAILED', `the write-ahead log ${wal.stopped!.log} in ${dir} is torn before its first complete write; RocksDB would not replay a write added after it`, {
          offset: wal.stopped!.offset,
          actions: ["Let the store's own RocksDB recover it first: start the monitor once and stop it (or run its release's `ceph-kvstore-tool rocksdb <store.db> list`), then run the command again."],
        });
      }
      return new RocksDbReaderBackend(dir, reader, true, lock);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** The reader of this backend (for checks that look at tables and logs). */
  get rocksReader(): RocksDbReader {
    return this.reader;
  }

  verifyFiles(): Array<{ file: string; offset?: number; message: string }> {
    return this.reader.verifyFiles();
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.reader.get(key);
  }

  async syncGetter(): Promise<(key: Uint8Array) => Uint8Array | undefined> {
    return (key) => this.reader.get(key);
  }

  chunks(range: RawRange): AsyncIterable<RawEntry[]> {
    return readerChunks(this.reader, range, noFallback);
  }

  keyStrings(range: { gte?: string; lt?: string }): AsyncIterable<string[]> {
    return readerKeyStrings(this.reader, range, noFallback);
  }

  listingText(withCrc: boolean, range: RawRange): AsyncIterable<ListingText> {
    return readerListing(this.reader, withCrc, range, noFallback);
  }

  /** Bytes of the data blocks that may hold keys in [gte, lt) (what RocksDB's estimate sums). */
  async approximateSize(gte: string, lt: string): Promise<number> {
    const lo = utf8.encode(gte);
    const hi = utf8.encode(lt);
    let total = 0;
    for (const t of this.reader.tables) {
      for (let i = t.firstBlockAtOrAfter(lo); i < t.offsets.length; i++) {
        total += t.sizes[i]!;
        const s = t.separators[i]!;
        if (compareBytes(s, 0, s.length, hi, 0, hi.length) >= 0) break;
      }
    }
    return total;
  }

  async batch(ops: RawBatchOp[]): Promise<void> {
    if (!this.writable) throw new Error('assertion: batch() on a read-only RocksDB backend');
    appendWal(this.dir, { nextFileNumber: this.reader.version.nextFileNumber, lastSequence: this.reader.lastSequence }, ops);
    // Later reads in this session see the new log like any other.
    this.reader.close();
    this.reader = await RocksDbReader.open(this.dir);
  }

  async compactRange(): Promise<void> {
    // Nothing: only the store's own RocksDB rewrites its tables (see the class comment).
  }

  async close(): Promise<void> {
    this.reader.close();
    await this.lock?.release();
  }
}
