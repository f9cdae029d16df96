import { createRequire } from 'node:module';
import type { BackendKind, RawEntry } from './backend.js';
import { openError } from './open-error.js';

/**
 * Loads a new, empty key-value store (copies, migrations, benchmark stores); entries may come
 * in any order.
 * `write` may keep entries in memory or in an unsynced log; only `finish` makes everything
 * durable and closes the store. `abort` closes without that promise (the caller deletes the
 * directory).
 */
export interface BulkSink {
  readonly backend: BackendKind;
  write(entries: readonly RawEntry[]): Promise<void>;
  /** Syncs, leaves the store tidy (RocksDB: every key in table files, no log to replay) and closes it. */
  finish(): Promise<{ batches: number }>;
  abort(): Promise<void>;
}

type Callback<T = void> = (err: Error | null | undefined, value?: T) => void;
interface RocksDown {
  open(opts: Record<string, unknown>, cb: Callback): void;
  close(cb: Callback): void;
  batch(ops: unknown[], opts: Record<string, unknown>, cb: Callback): void;
  compactRange(start: Uint8Array, end: Uint8Array, cb: Callback): void;
}

function call<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));
}

/** Bytes of keys and values per write batch. */
const BATCH_BYTES = 4 << 20;
/**
 * The RocksDB options of a Ceph monitor's store that the `rocksdb` package lets us set
 * (mon_rocksdb_options: write_buffer_size=33554432, compression=kNoCompression).
 */
const CEPH_MON_WRITE_BUFFER = 32 << 20;

/**
 * RocksDB 6.17.3 (the `rocksdb` package), which every Ceph release from 16 to 20 reads.
 * Batches go unsynced to the write-ahead log; finish() writes the last one synced (which
 * syncs the log before it), then compacts the whole key range, which flushes the memtable
 * to table files and leaves one sorted run, and closes.
 */
class RocksDbBulkSink implements BulkSink {
  readonly backend = 'rocksdb' as const;
  private pending: unknown[] = [];
  private pendingBytes = 0;
  private batches = 0;
  /** The smallest and largest key written: the range finish() compacts. */
  private min: Buffer | undefined;
  private max: Buffer | undefined;

  constructor(private readonly db: RocksDown) {}

  async write(entries: readonly RawEntry[]): Promise<void> {
    for (const e of entries) {
      const key = Buffer.from(e.key);
      if (!this.min || Buffer.compare(key, this.min) < 0) this.min = key;
      if (!this.max || Buffer.compare(key, this.max) > 0) this.max = key;
      this.pending.push({ type: 'put', key, value: Buffer.from(e.value) });
      this.pendingBytes += e.key.length + e.value.length;
      // Keep the last batch for finish(), which writes it synced.
      if (this.pendingBytes >= BATCH_BYTES) await this.flushBatch(false);
    }
  }

  private async flushBatch(sync: boolean): Promise<void> {
    if (this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await call((cb) => this.db.batch(ops, { sync }, cb));
    this.batches++;
  }

  async finish(): Promise<{ batches: number }> {
    await this.flushBatch(true);
    if (this.min && this.max) await call((cb) => this.db.compactRange(this.min!, this.max!, cb));
    await call((cb) => this.db.close(cb));
    return { batches: this.batches };
  }

  async abort(): Promise<void> {
    this.pending = [];
    await call((cb) => this.db.close(cb)).catch(() => undefined);
  }
}

/** LevelDB through LevelDbBackend: one synced batch per 1,024 keys (as `store copy` always wrote). */
class LevelDbBulkSink implements BulkSink {
  readonly backend = 'leveldb' as const;
  private batches = 0;
  constructor(private readonly db: import('./backend.js').KvBackend) {}

  async write(entries: readonly RawEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 1024) {
      await this.db.batch(entries.slice(i, i + 1024).map((e) => ({ type: 'put' as const, key: e.key, value: e.value })));
      this.batches++;
    }
  }

  async finish(): Promise<{ batches: number }> {
    await this.db.close();
    return { batches: this.batches };
  }

  async abort(): Promise<void> {
    await this.db.close().catch(() => undefined);
  }
}

const require = createRequire(import.meta.url);

/** A new store of `backend` in `dbDir`, which must not hold one. */
export async function createBulkSink(dbDir: string, backend: BackendKind): Promise<BulkSink> {
  if (backend === 'leveldb') {
    const { LevelDbBackend } = await import('./leveldb.js');
    return new LevelDbBulkSink(await LevelDbBackend.create(dbDir));
  }
  const db = (require('rocksdb') as (dir: string) => RocksDown)(dbDir);
  try {
    await call((cb) => db.open({ createIfMissing: true, errorIfExists: true, compression: false, writeBufferSize: CEPH_MON_WRITE_BUFFER }, cb));
  } catch (e) {
    throw openError(dbDir, 'rocksdb', e);
  }
  return new RocksDbBulkSink(db);
}
