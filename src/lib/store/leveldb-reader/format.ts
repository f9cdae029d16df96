import { crc32c } from '../../encoding/crc32c.js';

/**
 * Thrown when the pure-TypeScript reader meets something it does not handle (a comparator
 * other than bytewise, an unknown MANIFEST tag, a damaged log tail, an unknown block
 * compression). Callers fall back to classic-level, which replays and recovers as LevelDB
 * itself does; it is never shown to a user.
 */
export class UnsupportedStore extends Error {
  constructor(
    readonly reason: string,
    /** A log that ends inside a record: a write cut short, which LevelDB's recovery drops. */
    readonly tornTail = false,
  ) {
    super(`leveldb-reader: ${reason}`);
  }
}

/** A cursor over bytes for LevelDB's varint/fixed encodings (coding.h). */
export class ByteCursor {
  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new UnsupportedStore(`${what} runs past its record`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  /** A varint below 2^53 (file numbers, sizes, sequence numbers in practice). */
  varint(what: string): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.u8(what);
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new UnsupportedStore(`${what} above 2^53`);
        return result;
      }
      mul *= 128;
    }
    throw new UnsupportedStore(`${what}: varint longer than 10 bytes`);
  }

  fixed32(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** A fixed64 below 2^53. */
  fixed64(what: string): number {
    const lo = this.fixed32(what);
    const hi = this.fixed32(what);
    if (hi >= 0x200000) throw new UnsupportedStore(`${what} above 2^53`);
    return hi * 0x100000000 + lo;
  }

  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A varint length followed by that many bytes (LevelDB's length-prefixed slice). */
  slice(what: string): Uint8Array {
    return this.bytes(this.varint(what), what);
  }
}

const MASK_DELTA = 0xa282ead8;

/** The standard (inverted) CRC-32C that LevelDB's crc32c::Value computes, over parts. */
export function leveldbCrc(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) c = crc32c(c, p);
  return (c ^ 0xffffffff) >>> 0;
}

/** crc32c::Unmask: LevelDB stores CRCs rotated and offset so CRCs of CRCs stay strong. */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/** ValueType in an internal key's tag (dbformat.h). */
export const TYPE_DELETION = 0;
export const TYPE_VALUE = 1;

/** Bytewise comparison of a[aStart, aEnd) with b[bStart, bEnd). */
export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}
