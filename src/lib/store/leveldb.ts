import { ClassicLevel } from 'classic-level';
import type { KvBackend, RawBatchOp, RawEntry, RawRange } from './backend.js';
import { openError } from './open-error.js';

const CHUNK = 1024;
/** Bytes per native round trip: classic-level's 16 KiB default means ~16 mon values a call. */
const HIGH_WATER_MARK_BYTES = 1 << 20;
type Db = ClassicLevel<Uint8Array, Uint8Array>;

/**
 * LevelDB through classic-level. classic-level always opens read-write (it replays the log
 * and writes a new MANIFEST), so read-only use goes through a private snapshot directory
 * (see snapshot.ts) and only writes open the real store.
 */
export class LevelDbBackend implements KvBackend {
  readonly kind = 'leveldb' as const;

  private constructor(
    private readonly db: Db,
    readonly writable: boolean,
  ) {}

  static open(dir: string, writable: boolean): Promise<LevelDbBackend> {
    return LevelDbBackend.openWith(dir, writable, false);
  }

  /** A new, empty store (for copies). */
  static create(dir: string): Promise<LevelDbBackend> {
    return LevelDbBackend.openWith(dir, true, true);
  }

  private static async openWith(dir: string, writable: boolean, create: boolean): Promise<LevelDbBackend> {
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open({ createIfMissing: create, errorIfExists: create });
    } catch (e) {
      throw openError(dir, 'leveldb', e);
    }
    return new LevelDbBackend(db, writable);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    // Mon values are read once: filling the block cache with them costs more than it saves.
    return (await this.db.get(key, { fillCache: false })) ?? undefined;
  }

  async *chunks(range: RawRange): AsyncIterable<RawEntry[]> {
    const wantValues = range.values !== false;
    const opts = { ...(range.gte ? { gte: range.gte } : {}), ...(range.lt ? { lt: range.lt } : {}) };
    const empty = new Uint8Array(0);
    if (!wantValues) {
      const it = this.db.keys(opts);
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
    const it = this.db.iterator({ ...opts, highWaterMarkBytes: HIGH_WATER_MARK_BYTES });
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

  async *keyStrings(range: { gte?: string; lt?: string }): AsyncIterable<string[]> {
    const it = this.db.keys({
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

  approximateSize(gte: string, lt: string): Promise<number> {
    return this.db.approximateSize(gte, lt, { keyEncoding: 'utf8' });
  }

  async batch(ops: RawBatchOp[]): Promise<void> {
    if (!this.writable) throw new Error('assertion: batch() on a read-only LevelDB backend');
    await this.db.batch(
      ops.map((op) => (op.type === 'put' ? { type: 'put' as const, key: op.key, value: op.value } : { type: 'del' as const, key: op.key })),
      { sync: true },
    );
  }

  async compactRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    await this.db.compactRange(start, end);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
