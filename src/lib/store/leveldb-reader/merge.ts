import { MonctlError } from '../../errors.js';
import { EMPTY, type InternalCursor } from './cursor.js';
import { compareBytes, TYPE_DELETION } from './format.js';

/**
 * Whether a newer write hides this version of a key without being an entry of its own
 * (RocksDB's range tombstones); LevelDB has none.
 */
export type CoveredBy = (key: Uint8Array, keyLen: number, seq: number) => boolean;

/** Deletion types: LevelDB's one, and RocksDB's SingleDelete and timestamped delete. */
const DELETION = new Uint8Array(256);
DELETION[TYPE_DELETION] = 1;
DELETION[0x7] = 1;
DELETION[0x14] = 1;

/**
 * The user's view of a LevelDB: a k-way merge of sorted runs by internal key order (user
 * key ascending, then sequence descending), keeping the newest version of each user key
 * and hiding keys whose newest version is a deletion (DBIter). Stops before `lt`.
 * `key`/`value*` are views into the winning run's buffers, valid until `next()`.
 */
export class MergedCursor {
  valid = false;
  key: Uint8Array = EMPTY;
  keyLen = 0;
  valueBuf: Uint8Array = EMPTY;
  valueOff = 0;
  valueLen = 0;
  private current: InternalCursor | undefined;
  /** The last user key decided (emitted or deleted): older versions of it are skipped. */
  private last = new Uint8Array(256);
  private lastLen = -1;

  constructor(
    private readonly runs: InternalCursor[],
    gte: Uint8Array | undefined,
    private readonly lt: Uint8Array | undefined,
    private readonly covered?: CoveredBy,
  ) {
    for (const r of runs) r.seek(gte);
    this.advance();
  }

  next(): void {
    this.current!.next();
    this.advance();
  }

  private advance(): void {
    const runs = this.runs;
    for (;;) {
      let best: InternalCursor | undefined;
      for (let i = 0; i < runs.length; i++) {
        const r = runs[i]!;
        if (!r.valid) continue;
        if (best === undefined) {
          best = r;
          continue;
        }
        const c = compareBytes(r.key, 0, r.keyLen, best.key, 0, best.keyLen);
        if (c < 0 || (c === 0 && r.seq > best.seq)) best = r;
      }
      if (best === undefined || (this.lt && compareBytes(best.key, 0, best.keyLen, this.lt, 0, this.lt.length) >= 0)) {
        this.valid = false;
        this.current = undefined;
        return;
      }
      if (this.lastLen === best.keyLen && compareBytes(best.key, 0, best.keyLen, this.last, 0, this.lastLen) === 0) {
        best.next();
        continue;
      }
      this.remember(best);
      if (DELETION[best.type] === 1 || (this.covered !== undefined && this.covered(best.key, best.keyLen, best.seq))) {
        best.next();
        continue;
      }
      if (best.type !== 1) {
        throw new MonctlError('DECODE_TOO_NEW', `the store holds a value of RocksDB type ${best.type} (merge operands, blobs or wide columns)`, {
          actions: ["Ceph's monitors write plain values only; read this store with the ceph-kvstore-tool of the release that wrote it."],
        });
      }
      this.current = best;
      this.valid = true;
      this.key = best.key;
      this.keyLen = best.keyLen;
      this.valueBuf = best.valueBuf;
      this.valueOff = best.valueOff;
      this.valueLen = best.valueLen;
      return;
    }
  }

  private remember(r: InternalCursor): void {
    if (r.keyLen > this.last.length) this.last = new Uint8Array(r.keyLen * 2);
    const last = this.last;
    const k = r.key;
    for (let i = 0; i < r.keyLen; i++) last[i] = k[i]!;
    this.lastLen = r.keyLen;
  }
}
