import { RunCursor } from './cursor.js';
import { compareBytes } from './format.js';
import type { MemEntry } from './memtable.js';

/** A cursor over the replayed write-ahead logs (already sorted, one entry per user key). */
export class MemCursor extends RunCursor {
  private i = 0;

  constructor(private readonly entries: MemEntry[]) {
    super();
  }

  seek(target?: Uint8Array): void {
    let lo = 0;
    let hi = this.entries.length;
    if (target) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const k = this.entries[mid]!.key;
        if (compareBytes(k, 0, k.length, target, 0, target.length) < 0) lo = mid + 1;
        else hi = mid;
      }
    }
    this.i = lo;
    this.load();
  }

  next(): void {
    this.i++;
    this.load();
  }

  private load(): void {
    const e = this.entries[this.i];
    this.valid = e !== undefined;
    if (!e) return;
    this.key = e.key;
    this.keyLen = e.key.length;
    this.seq = e.seq;
    this.type = e.type;
    this.valueBuf = e.value;
    this.valueOff = 0;
    this.valueLen = e.value.length;
  }
}
