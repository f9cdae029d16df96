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

/** The fields every run cursor carries, so each implementation only says how it moves. */
export abstract class RunCursor implements InternalCursor {
  valid = false;
  key: Uint8Array = EMPTY;
  keyLen = 0;
  seq = 0;
  type = 0;
  valueBuf: Uint8Array = EMPTY;
  valueOff = 0;
  valueLen = 0;
  abstract next(): void;
  abstract seek(target?: Uint8Array): void;
}
