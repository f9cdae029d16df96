import { EMPTY, type InternalCursor } from './cursor.js';
import { compareBytes, TYPE_DELETION } from './format.js';

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
      if (best.type === TYPE_DELETION) {
        best.next();
        continue;
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
