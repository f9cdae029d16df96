import { EMPTY, RunCursor } from './leveldb-reader/cursor.js';
import { ByteCursor } from './leveldb-reader/format.js';

/**
 * The block format LevelDB and RocksDB share (table/block.cc): prefix-compressed entries
 * `shared, non_shared, value_len` (varints), key suffix, value; then a restart array of
 * fixed32 offsets and its fixed32 count.
 */

const u32 = (b: Uint8Array, p: number) => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;

/** Where the entries of block b[start, end) end (its restart array starts); undefined if that cannot be. */
export function restartArrayStart(b: Uint8Array, start: number, end: number, extraFooter = 0): number | undefined {
  if (end - start < 4) return undefined;
  const n = u32(b, end - 4);
  const limit = end - extraFooter - 4 * (n + 1);
  return n > 0x0fffffff || limit < start ? undefined : limit;
}

/**
 * Every entry of a small block (an index, a metaindex, properties) with its full key, which
 * is a view into one growing buffer, valid during the call. `bad` makes the caller's error.
 */
export function forEachBlockEntry(
  b: Uint8Array,
  bad: (what: string, offset: number) => Error,
  fn: (key: Uint8Array, keyLen: number, value: Uint8Array) => void,
): void {
  const limit = restartArrayStart(b, 0, b.length);
  if (limit === undefined) throw bad('restart array larger than its block', 0);
  const c = new ByteCursor(b, 0, limit);
  let key = new Uint8Array(64);
  let keyLen = 0;
  while (!c.done) {
    const at = c.pos;
    const shared = c.varint('shared length');
    const nonShared = c.varint('key length');
    const valueLen = c.varint('value length');
    if (shared > keyLen) throw bad('bad block entry', at);
    const suffix = c.bytes(nonShared, 'key');
    if (shared + nonShared > key.length) {
      const grown = new Uint8Array(2 * (shared + nonShared));
      grown.set(key.subarray(0, shared));
      key = grown;
    }
    key.set(suffix, shared);
    keyLen = shared + nonShared;
    fn(key, keyLen, c.bytes(valueLen, 'value'));
  }
}

/**
 * A run cursor over data blocks of internal keys: subclasses say how the next block is
 * found (`nextBlock`) and what a malformed entry is (`badEntry`); the entry decoding, into
 * one reused key buffer with values left in place, is here.
 */
export abstract class BlockEntryCursor extends RunCursor {
  protected data: Uint8Array = EMPTY;
  protected pos = 0;
  protected limit = 0;
  /** Length of the internal key (user key + 8-byte tag) in `key`. */
  protected ikeyLen = 0;

  constructor() {
    super();
    this.key = new Uint8Array(256);
  }

  /** Points data/pos/limit at the next block's entries (and resets ikeyLen); false at the end of the run. */
  protected abstract nextBlock(): boolean;

  /** The error for a malformed entry at byte `p` of the current block. */
  protected abstract badEntry(p: number): Error;

  next(): void {
    while (this.pos >= this.limit) {
      if (!this.nextBlock()) {
        this.valid = false;
        return;
      }
    }
    const d = this.data;
    // Three varints; lengths below 2^14 (one or two bytes) decoded inline, longer ones by ByteCursor.
    let p = this.pos;
    let shared = d[p++]!;
    if (shared >= 0x80) shared = (shared & 0x7f) | (d[p++]! << 7);
    let nonShared = d[p++]!;
    if (nonShared >= 0x80) nonShared = (nonShared & 0x7f) | (d[p++]! << 7);
    let valueLen = d[p++]!;
    if (valueLen >= 0x80) valueLen = (valueLen & 0x7f) | (d[p++]! << 7);
    if ((shared | nonShared | valueLen) >= 0x4000) {
      const c = new ByteCursor(d, this.pos, this.limit);
      try {
        shared = c.varint('entry shared length');
        nonShared = c.varint('entry key length');
        valueLen = c.varint('entry value length');
      } catch {
        throw this.badEntry(this.pos);
      }
      p = c.pos;
    }
    const ikeyLen = shared + nonShared;
    if (shared > this.ikeyLen || ikeyLen < 8 || p + nonShared + valueLen > this.limit) throw this.badEntry(p);
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
    const lo = u32(key, u);
    const hi = u32(key, u + 4);
    // tag = seq << 8 | type; seq = hi * 2^24 + (lo >>> 8), exact below 2^53.
    this.type = lo & 0xff;
    this.seq = hi * 0x1000000 + (lo >>> 8);
    this.valueBuf = d;
    this.valueOff = p;
    this.valueLen = valueLen;
    this.pos = p + valueLen;
    this.valid = true;
  }
}
