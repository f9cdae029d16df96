import { MonctlError } from '../../errors.js';
import { BlockEntryCursor } from '../block-entries.js';
import { EMPTY } from '../leveldb-reader/cursor.js';
import { compareBytes } from '../leveldb-reader/format.js';
import type { SstTable } from './table.js';

/**
 * A cursor over a sorted run of tables: one level-0 file, or a whole level >= 1 (files that
 * do not overlap, in key order). Tables are opened by the reader and shared; this cursor
 * only walks their data blocks. Values are views into the block, never copied.
 */
export class SstRunCursor extends BlockEntryCursor {
  private fileIdx = -1;
  private blockIdx = 0;
  private table: SstTable | undefined;

  constructor(
    private readonly tables: SstTable[],
    /** Per table, its largest user key (from the MANIFEST), to skip files below a seek target. */
    private readonly largest: Uint8Array[],
  ) {
    super();
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

  protected nextBlock(): boolean {
    for (;;) {
      const t = this.table;
      if (!t) return false;
      if (this.blockIdx < t.offsets.length) break;
      this.openTable(this.fileIdx + 1);
    }
    const b = this.table!.dataBlock(this.blockIdx++);
    this.data = b.data;
    this.pos = b.start;
    this.limit = b.limit;
    this.ikeyLen = 0;
    return true;
  }

  protected badEntry(p: number): Error {
    return new MonctlError('DECODE_INVALID', `RocksDB table ${this.table!.name} is damaged: bad entry at byte ${p} of data block ${this.blockIdx - 1}`, {
      offset: this.table!.offsets[this.blockIdx - 1]!,
      actions: ['Run `monctl store check`; restore store.db from a backup or rebuild this monitor from its peers.'],
    });
  }
}
