import { MonctlError } from '../../errors.js';
import { EMPTY, RunCursor } from '../leveldb-reader/cursor.js';
import { ByteCursor, compareBytes } from '../leveldb-reader/format.js';
import type { SstTable } from './table.js';

/**
 * A cursor over a sorted run of tables: one level-0 file, or a whole level >= 1 (files that
 * do not overlap, in key order). Tables are opened by the reader and shared; this cursor
 * only walks their data blocks. Values are views into the block, never copied.
 */
export class SstRunCursor extends RunCursor {
  private fileIdx = -1;
  private blockIdx = 0;
  private table: SstTable | undefined;
  private data: Uint8Array = EMPTY;
  private pos = 0;
  private limit = 0;
  private ikeyLen = 0;

  constructor(
    private readonly tables: SstTable[],
    /** Per table, its largest user key (from the MANIFEST), to skip files below a seek target. */
    private readonly largest: Uint8Array[],
  ) {
    super();
    this.key = new Uint8Array(256);
  }

  seek(target?: Uint8Array): void {
    let i = 0;
    if (target) {
      while (i < this.tables.length) {
        const l = this.largest[i]!;
        if (compareBytes(l, 0, l.length, target, 0, target.length) >= 0) break;
        i++;
      }
    }
    this.openTable(i);
    if (!this.table) return;
    if (target) this.blockIdx = this.table.firstBlockAtOrAfter(target);
    this.next();
    while (target && this.valid && compareBytes(this.key, 0, this.keyLen, target, 0, target.length) < 0) this.next();
  }

  private openTable(i: number): void {
    this.fileIdx = i;
    this.table = this.tables[i];
    this.blockIdx = 0;
    this.pos = this.limit = 0;
    this.data = EMPTY;
    if (!this.table) this.valid = false;
  }

  next(): void {
    while (this.pos >= this.limit) {
      const t = this.table;
      if (!t) {
        this.valid = false;
        return;
      }
      if (this.blockIdx >= t.offsets.length) {
        this.openTable(this.fileIdx + 1);
        continue;
      }
      const b = t.dataBlock(this.blockIdx++);
      this.data = b.data;
      this.pos = b.start;
      this.limit = b.limit;
      this.ikeyLen = 0;
    }
    const d = this.data;
    let p = this.pos;
    let shared = d[p++]!;
    if (shared >= 0x80) shared = (shared & 0x7f) | (d[p++]! << 7);
    let nonShared = d[p++]!;
    if (nonShared >= 0x80) nonShared = (nonShared & 0x7f) | (d[p++]! << 7);
    let valueLen = d[p++]!;
    if (valueLen >= 0x80) valueLen = (valueLen & 0x7f) | (d[p++]! << 7);
    if ((shared | nonShared | valueLen) >= 0x4000) {
      const c = new ByteCursor(d, this.pos, this.limit);
      shared = c.varint('entry shared length');
      nonShared = c.varint('entry key length');
      valueLen = c.varint('entry value length');
      p = c.pos;
    }
    const ikeyLen = shared + nonShared;
    if (shared > this.ikeyLen || ikeyLen < 8 || p + nonShared + valueLen > this.limit) {
      throw new MonctlError('DECODE_INVALID', `RocksDB table ${this.table!.name} is damaged: bad entry in data block ${this.blockIdx - 1}`, {
        offset: this.table!.offsets[this.blockIdx - 1]!,
        actions: ['Run `monctl store check`; restore store.db from a backup or rebuild this monitor from its peers.'],
      });
    }
    let key = this.key;
    if (ikeyLen > key.length) {
      const grown = new Uint8Array(Math.max(ikeyLen, key.length * 2));
      grown.set(key.subarray(0, shared));
      this.key = key = grown;
    }
    if (nonShared <= 32) for (let i = 0; i < nonShared; i++) key[shared + i] = d[p + i]!;
    else key.set(d.subarray(p, p + nonShared), shared);
    p += nonShared;
    this.ikeyLen = ikeyLen;
    const u = ikeyLen - 8;
    this.keyLen = u;
    const lo = (key[u]! | (key[u + 1]! << 8) | (key[u + 2]! << 16) | (key[u + 3]! << 24)) >>> 0;
    const hi = (key[u + 4]! | (key[u + 5]! << 8) | (key[u + 6]! << 16) | (key[u + 7]! << 24)) >>> 0;
    this.type = lo & 0xff;
    this.seq = hi * 0x1000000 + (lo >>> 8);
    this.valueBuf = d;
    this.valueOff = p;
    this.valueLen = valueLen;
    this.pos = p + valueLen;
    this.valid = true;
  }
}
