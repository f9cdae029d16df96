import { createRequire } from 'node:module';
import type { KvBackend, RawBatchOp, RawEntry, RawRange } from './backend.js';
import { MonctlError } from '../errors.js';
import { nativeStatusError } from './fs-errors.js';
import { openError } from './open-error.js';

type Callback<T = void> = (err: Error | null | undefined, value?: T) => void;

/** The parts of the `rocksdb` package (abstract-leveldown 7 API) this backend uses. */
interface RocksDown {
  open(opts: Record<string, unknown>, cb: Callback): void;
  close(cb: Callback): void;
  get(key: Uint8Array, opts: Record<string, unknown>, cb: Callback<Buffer>): void;
  batch(ops: unknown[], opts: Record<string, unknown>, cb: Callback): void;
  compactRange(start: Uint8Array, end: Uint8Array, cb: Callback): void;
  approximateSize(start: string, end: string, cb: Callback<number>): void;
  iterator(opts: Record<string, unknown>): { context: unknown; end(cb: Callback): void };
}
interface RocksBinding {
  iterator_next(ctx: unknown, cb: (err: Error | null, cache: Array<Buffer | string>, finished: boolean) => void): void;
}

const require = createRequire(import.meta.url);
let loaded: { open: (dir: string) => RocksDown; binding: RocksBinding } | undefined;
function load(): { open: (dir: string) => RocksDown; binding: RocksBinding } {
  loaded ??= { open: require('rocksdb') as (dir: string) => RocksDown, binding: require('rocksdb/binding') as RocksBinding };
  return loaded;
}

/** One native batch: [..., value2, key2, value1, key1] (the binding's pop order). */
function nextBatch(binding: RocksBinding, ctx: unknown): Promise<{ cache: Array<Buffer | string>; finished: boolean }> {
  return new Promise((resolve, reject) =>
    binding.iterator_next(ctx, (err, cache, finished) => (err ? reject(err) : resolve({ cache, finished }))),
  );
}

function call<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));
}

/**
 * RocksDB through the `rocksdb` package. Read-only opens leave the store byte-identical and
 * need no LOCK (they can read a live monitor's store). Writes open read-write, which takes
 * the LOCK and so refuses a store a live monitor holds.
 */
export class RocksDbBackend implements KvBackend {
  readonly kind = 'rocksdb' as const;

  private constructor(
    private readonly db: RocksDown,
    readonly writable: boolean,
    private readonly dir: string,
  ) {}

  /** A RocksDB status as a typed error about this store. */
  private fail(e: unknown, doing: string): MonctlError {
    return e instanceof MonctlError ? e : nativeStatusError(this.dir, 'rocksdb', e, doing);
  }

  static open(dir: string, writable: boolean): Promise<RocksDbBackend> {
    return RocksDbBackend.openWith(dir, writable, false);
  }

  /** A new, empty store (for copies). */
  static create(dir: string): Promise<RocksDbBackend> {
    return RocksDbBackend.openWith(dir, true, true);
  }

  private static async openWith(dir: string, writable: boolean, create: boolean): Promise<RocksDbBackend> {
    const db = load().open(dir);
    try {
      await call((cb) => db.open({ readOnly: !writable, createIfMissing: create, errorIfExists: create }, cb));
    } catch (e) {
      throw openError(dir, 'rocksdb', e);
    }
    return new RocksDbBackend(db, writable, dir);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return await call<Buffer>((cb) => this.db.get(Buffer.from(key.buffer, key.byteOffset, key.byteLength), { asBuffer: true, fillCache: false }, cb));
    } catch (e) {
      if (e instanceof Error && /NotFound/i.test(e.message)) return undefined;
      throw this.fail(e, 'read a key');
    }
  }

  async *chunks(range: RawRange): AsyncIterable<RawEntry[]> {
    const wantValues = range.values !== false;
    const it = this.db.iterator({
      ...(range.gte ? { gte: Buffer.from(range.gte) } : {}),
      ...(range.lt ? { lt: Buffer.from(range.lt) } : {}),
      keys: true,
      values: wantValues,
      keyAsBuffer: true,
      valueAsBuffer: true,
      fillCache: false,
      highWaterMark: 256 * 1024,
    });
    const { binding } = load();
    const empty = new Uint8Array(0);
    try {
      for (;;) {
        const { cache, finished } = await nextBatch(binding, it.context);
        const out: RawEntry[] = [];
        for (let i = cache.length - 1; i > 0; i -= 2) {
          out.push({ key: cache[i] as Buffer, value: wantValues ? (cache[i - 1] as Buffer) : empty });
        }
        if (out.length > 0) yield out;
        if (finished) return;
      }
    } finally {
      await call((cb) => it.end(cb));
    }
  }

  async *keyStrings(range: { gte?: string; lt?: string }): AsyncIterable<string[]> {
    const it = this.db.iterator({
      ...(range.gte !== undefined ? { gte: range.gte } : {}),
      ...(range.lt !== undefined ? { lt: range.lt } : {}),
      keys: true,
      values: false,
      keyAsBuffer: false,
      fillCache: false,
      highWaterMark: 256 * 1024,
    });
    const { binding } = load();
    try {
      for (;;) {
        const { cache, finished } = await nextBatch(binding, it.context);
        const out: string[] = [];
        for (let i = cache.length - 1; i > 0; i -= 2) out.push(cache[i] as string);
        if (out.length > 0) yield out;
        if (finished) return;
      }
    } finally {
      await call((cb) => it.end(cb));
    }
  }

  approximateSize(gte: string, lt: string): Promise<number> {
    return call<number>((cb) => this.db.approximateSize(gte, lt, cb));
  }

  async batch(ops: RawBatchOp[]): Promise<void> {
    if (!this.writable) throw new Error('assertion: batch() on a read-only RocksDB backend');
    const raw = ops.map((op) =>
      op.type === 'put' ? { type: 'put', key: Buffer.from(op.key), value: Buffer.from(op.value) } : { type: 'del', key: Buffer.from(op.key) },
    );
    try {
      await call((cb) => this.db.batch(raw, { sync: true }, cb));
    } catch (e) {
      throw this.fail(e, 'write the batch');
    }
  }

  async compactRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    try {
      await call((cb) => this.db.compactRange(Buffer.from(start), Buffer.from(end), cb));
    } catch (e) {
      throw this.fail(e, 'compact');
    }
  }

  async close(): Promise<void> {
    try {
      await call((cb) => this.db.close(cb));
    } catch (e) {
      throw this.fail(e, 'close');
    }
  }
}
