import type { ClassicLevel } from 'classic-level';
import { MonctlError } from '../errors.js';
import type { KvBackend, ListingText, RawBatchOp, RawEntry, RawRange } from './backend.js';
import { LevelDbReader, UnsupportedStore } from './leveldb-reader/index.js';
import { readerChunks, readerKeyStrings, readerListing } from './leveldb-reader/chunks.js';
import { nativeStatusError } from './fs-errors.js';
import { verifyLevelDbFiles } from './leveldb-reader/verify.js';
import { loadChecksums } from './rocksdb-reader/checksum.js';
import { openError } from './open-error.js';
import { snapshotLevelDb } from './snapshot.js';

const CHUNK = 1024;
const keyText = (key: Uint8Array) => Buffer.from(key).toString('latin1').replace('\0', '/');
/** Bytes per native round trip: classic-level's 16 KiB default means ~16 mon values a call. */
const HIGH_WATER_MARK_BYTES = 1 << 20;
type Db = ClassicLevel<Uint8Array, Uint8Array>;

/**
 * LevelDB. Writes go through classic-level on the real store. Reads go through the
 * TypeScript reader (leveldb-reader/) when it supports the store: it opens files read-only
 * and needs no snapshot. classic-level always opens read-write (it replays the log and
 * writes a new MANIFEST), so when the reader cannot serve a call (point lookups, sizes, or
 * a store it does not support) classic-level opens a private snapshot directory (see
 * snapshot.ts), once, on first use.
 */
export class LevelDbBackend implements KvBackend {
  readonly kind = 'leveldb' as const;
  private db: Db | undefined;
  private opening: Promise<Db> | undefined;
  private dispose: () => void = () => {};
  /** The private snapshot directory classic-level reads (named as the user's store in errors). */
  private snapDir: string | undefined;

  private constructor(
    private readonly dir: string,
    readonly writable: boolean,
    db: Db | undefined,
    private readonly reader: LevelDbReader | undefined,
  ) {
    this.db = db;
  }

  /** Read-only: the TypeScript reader when it supports the store, else a snapshot. */
  static async open(dir: string, writable: boolean): Promise<LevelDbBackend> {
    if (writable) {
      // LevelDB opened read-write on a damaged store rewrites files (LOG, a new MANIFEST)
      // before it fails, or writes into a store whose tables it cannot read: check the
      // MANIFEST and every table file first, so a damaged store is refused untouched.
      try {
        LevelDbReader.open(dir).checkTableFooters();
      } catch (e) {
        if (!(e instanceof UnsupportedStore)) throw e;
      }
      return new LevelDbBackend(dir, true, await LevelDbBackend.openDb(dir, false), undefined);
    }
    // Block checksums from WebAssembly (about twice the TypeScript CRC's speed).
    await loadChecksums();
    let reader: LevelDbReader | undefined;
    try {
      reader = LevelDbReader.open(dir);
    } catch (e) {
      if (!(e instanceof UnsupportedStore)) throw e;
    }
    const backend = new LevelDbBackend(dir, false, undefined, reader);
    // Without the reader, open now so a broken store fails at open, as it always did.
    if (!reader) await backend.classic();
    return backend;
  }

  /** A new, empty store (for copies). */
  static async create(dir: string): Promise<LevelDbBackend> {
    return new LevelDbBackend(dir, true, await LevelDbBackend.openDb(dir, true), undefined);
  }

  private static async openDb(dir: string, create: boolean, userDir = dir): Promise<Db> {
    // Loaded on first use: a native addon, and listings through the reader never need it.
    const { ClassicLevel } = await import('classic-level');
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open({ createIfMissing: create, errorIfExists: create });
    } catch (e) {
      throw openError(userDir, 'leveldb', e, dir);
    }
    return db;
  }

  /**
   * A LevelDB status (`Corruption: …`, `IO error: …`) as a typed error about the user's
   * store, with the damaged file named when the store's own checksums can name it.
   */
  private fail(e: unknown, doing: string): MonctlError {
    if (e instanceof MonctlError) return e;
    const err = nativeStatusError(this.dir, 'leveldb', (e as { cause?: unknown }).cause ?? e, doing, this.snapDir);
    if (err.code === 'DECODE_INVALID') {
      const damaged = verifyLevelDbFiles(this.dir);
      if (damaged.length > 0) err.message += `; ${damaged.map((d) => `${d.file}: ${d.message}`).join('; ')}`;
    }
    return err;
  }

  /** classic-level: the real store when writable, else a snapshot of it, opened once. */
  private classic(): Promise<Db> {
    if (this.db) return Promise.resolve(this.db);
    this.opening ??= (async () => {
      const snap = snapshotLevelDb(this.dir);
      this.snapDir = snap.dir;
      try {
        this.db = await LevelDbBackend.openDb(snap.dir, false, this.dir);
      } catch (e) {
        snap.dispose();
        throw e;
      }
      this.dispose = snap.dispose;
      return this.db;
    })();
    return this.opening;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const db = await this.classic();
    try {
      // Mon values are read once: filling the block cache with them costs more than it saves.
      return (await db.get(key, { fillCache: false })) ?? undefined;
    } catch (e) {
      throw this.fail(e, `read key ${keyText(key)}`);
    }
  }

  async syncGetter(): Promise<(key: Uint8Array) => Uint8Array | undefined> {
    const db = await this.classic();
    return (key) => {
      try {
        return db.getSync(key, { fillCache: false }) ?? undefined;
      } catch (e) {
        throw this.fail(e, `read key ${keyText(key)}`);
      }
    };
  }

  /** What LevelDB itself can prove damaged, from its files (every block's checksum). */
  verifyFiles(): Array<{ file: string; offset?: number; message: string }> {
    return verifyLevelDbFiles(this.dir);
  }

  chunks(range: RawRange): AsyncIterable<RawEntry[]> {
    return this.reader ? readerChunks(this.reader, range, () => this.classicChunks(range)) : this.classicChunks(range);
  }

  private async *classicChunks(range: RawRange): AsyncIterable<RawEntry[]> {
    try {
      yield* this.classicChunksRaw(range);
    } catch (e) {
      throw this.fail(e, 'iterate');
    }
  }

  private async *classicChunksRaw(range: RawRange): AsyncIterable<RawEntry[]> {
    const db = await this.classic();
    const wantValues = range.values !== false;
    const opts = { ...(range.gte ? { gte: range.gte } : {}), ...(range.lt ? { lt: range.lt } : {}) };
    const empty = new Uint8Array(0);
    if (!wantValues) {
      const it = db.keys(opts);
      try {
        for (;;) {
          const keys = await it.nextv(CHUNK);
          if (keys.length === 0) return;
          yield keys.map((key) => ({ key, value: empty }));
        }
      } finally {
        await it.close();
      }
    }
    const it = db.iterator({ ...opts, highWaterMarkBytes: HIGH_WATER_MARK_BYTES });
    try {
      // Ask for the next chunk before handing out this one, so the native read overlaps the
      // caller's work on the current chunk.
      let next = it.nextv(CHUNK);
      for (;;) {
        const entries = await next;
        if (entries.length === 0) return;
        next = it.nextv(CHUNK);
        yield entries.map(([key, value]) => ({ key, value }));
      }
    } finally {
      await it.close();
    }
  }

  keyStrings(range: { gte?: string; lt?: string }): AsyncIterable<string[]> {
    return this.reader ? readerKeyStrings(this.reader, range, () => this.classicKeyStrings(range)) : this.classicKeyStrings(range);
  }

  /** `list`/`list-crc` lines straight from table bytes when the reader serves this store. */
  listingText(withCrc: boolean, range: RawRange, fallback: () => AsyncIterable<ListingText>): AsyncIterable<ListingText> {
    return this.reader ? readerListing(this.reader, withCrc, range, fallback) : fallback();
  }

  private async *classicKeyStrings(range: { gte?: string; lt?: string }): AsyncIterable<string[]> {
    try {
      yield* this.classicKeyStringsRaw(range);
    } catch (e) {
      throw this.fail(e, 'iterate');
    }
  }

  private async *classicKeyStringsRaw(range: { gte?: string; lt?: string }): AsyncIterable<string[]> {
    const it = (await this.classic()).keys({
      keyEncoding: 'utf8',
      ...(range.gte !== undefined ? { gte: range.gte } : {}),
      ...(range.lt !== undefined ? { lt: range.lt } : {}),
      highWaterMarkBytes: HIGH_WATER_MARK_BYTES,
    });
    try {
      let next = it.nextv(4 * CHUNK);
      for (;;) {
        const keys = await next;
        if (keys.length === 0) return;
        next = it.nextv(4 * CHUNK);
        yield keys;
      }
    } finally {
      await it.close();
    }
  }

  async approximateSize(gte: string, lt: string): Promise<number> {
    const db = await this.classic();
    try {
      return await db.approximateSize(gte, lt, { keyEncoding: 'utf8' });
    } catch (e) {
      throw this.fail(e, 'estimate sizes');
    }
  }

  async batch(ops: RawBatchOp[]): Promise<void> {
    if (!this.writable) throw new Error('assertion: batch() on a read-only LevelDB backend');
    try {
      await this.db!.batch(
        ops.map((op) => (op.type === 'put' ? { type: 'put' as const, key: op.key, value: op.value } : { type: 'del' as const, key: op.key })),
        { sync: true },
      );
    } catch (e) {
      throw this.fail(e, 'write the batch');
    }
  }

  async compactRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    const db = await this.classic();
    try {
      await db.compactRange(start, end);
    } catch (e) {
      throw this.fail(e, 'compact');
    }
  }

  async close(): Promise<void> {
    try {
      if (this.opening) await this.opening.catch(() => undefined);
      await this.db?.close();
    } catch (e) {
      throw this.fail(e, 'close');
    } finally {
      this.dispose();
    }
  }
}
