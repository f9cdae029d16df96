/**
 * A position in a sorted run of internal entries (a memtable, a level-0 table, a level).
 * The user key is `key[0, keyLen)`; the value is `valueBuf[valueOff, valueOff + valueLen)`.
 * Both are views into buffers the cursor reuses: valid until the next `next()`/`seek()`.
 */
export interface InternalCursor {
  valid: boolean;
  key: Uint8Array;
  keyLen: number;
  seq: number;
  type: number;
  valueBuf: Uint8Array;
  valueOff: number;
  valueLen: number;
  next(): void;
  /** Positions at the first entry whose user key is >= target (the first entry if none). */
  seek(target?: Uint8Array): void;
}

export const EMPTY = new Uint8Array(0);
