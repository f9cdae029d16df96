import { MonctlError } from '../errors.js';

const textEncoder = new TextEncoder();
const U64_MAX = (1n << 64n) - 1n;

/**
 * A value that does not fit the field it is written to: the Writer refuses it instead of
 * writing its low bits (which would encode a different value than the one asked for).
 */
export class EncodeRangeError extends MonctlError {
  constructor(
    readonly field: string,
    readonly value: number | bigint,
  ) {
    super('BAD_ARGUMENT', `${String(value)} does not fit in a ${field}`, {
      actions: ['The value is out of range for the Ceph field it is written to: check the input that set it.'],
    });
  }
}

function checkInt(v: number, field: string, min: number, max: number): true {
  if (!Number.isInteger(v) || v < min || v > max) throw new EncodeRangeError(field, v);
  return true;
}

function checkBig(v: bigint, field: string, min: bigint, max: bigint): true {
  if (typeof v !== 'bigint' || v < min || v > max) throw new EncodeRangeError(field, v);
  return true;
}

/** Bookmark returned by `Writer.envelope()`, passed back to `Writer.finish()`. */
export interface EnvelopeMark {
  readonly at: number;
}

/**
 * A growable little-endian byte sink. `envelope()` reserves Ceph's 6-byte versioned block
 * header and `finish()` back-patches its length once the body is written.
 */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Grows the buffer (replacing `buf` and `view`): call it before touching either. The second argument is the range check, made first. */
  private reserve(n: number, _checked?: true): number {
    const at = this.length;
    const needed = at + n;
    if (needed > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < needed) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length = needed;
    return at;
  }

  u8(v: number): this {
    const at = this.reserve(1, checkInt(v, 'u8', 0, 0xff));
    this.buf[at] = v;
    return this;
  }
  s8(v: number): this {
    const at = this.reserve(1, checkInt(v, 's8', -0x80, 0x7f));
    this.buf[at] = v & 0xff;
    return this;
  }
  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }
  u16(v: number): this {
    const at = this.reserve(2, checkInt(v, 'u16', 0, 0xffff));
    this.view.setUint16(at, v, true);
    return this;
  }
  s16(v: number): this {
    const at = this.reserve(2, checkInt(v, 's16', -0x8000, 0x7fff));
    this.view.setInt16(at, v, true);
    return this;
  }
  u32(v: number): this {
    const at = this.reserve(4, checkInt(v, 'u32', 0, 0xffffffff));
    this.view.setUint32(at, v, true);
    return this;
  }
  s32(v: number): this {
    const at = this.reserve(4, checkInt(v, 's32', -0x80000000, 0x7fffffff));
    this.view.setInt32(at, v, true);
    return this;
  }
  u64(v: bigint): this {
    const at = this.reserve(8, checkBig(v, 'u64', 0n, U64_MAX));
    this.view.setBigUint64(at, v, true);
    return this;
  }
  s64(v: bigint): this {
    const at = this.reserve(8, checkBig(v, 's64', -(1n << 63n), (1n << 63n) - 1n));
    this.view.setBigInt64(at, v, true);
    return this;
  }
  f32(v: number): this {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
    return this;
  }
  f64(v: number): this {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
    return this;
  }
  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
    return this;
  }
  blob(bytes: Uint8Array): this {
    return this.u32(bytes.length).raw(bytes);
  }
  string(s: string): this {
    return this.blob(textEncoder.encode(s));
  }
  list<T>(items: readonly T[], element: (w: Writer, item: T) => void): this {
    this.u32(items.length);
    for (const item of items) element(this, item);
    return this;
  }

  /** Ceph's ENCODE_START: version and compat now, the length when `finish()` is called. */
  envelope(version: number, compat: number): EnvelopeMark {
    const at = this.reserve(6, checkInt(version, 'struct_v (u8)', 0, 0xff) && checkInt(compat, 'struct_compat (u8)', 0, 0xff));
    this.buf[at] = version;
    this.buf[at + 1] = compat;
    return { at };
  }

  /** Ceph's ENCODE_FINISH: back-patches the payload length. */
  finish(mark: EnvelopeMark): this {
    this.view.setUint32(mark.at + 2, this.length - mark.at - 6, true);
    return this;
  }

  /** Overwrites a u32 already written (for CRC fields filled in after the fact). */
  patchU32(at: number, v: number): this {
    checkInt(v, 'u32', 0, 0xffffffff);
    this.view.setUint32(at, v, true);
    return this;
  }

  /** Starts over, keeping the buffer (a Writer reused for one large value after another). */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Bytes already written, as a view valid until the next write. */
  written(start: number, end = this.length): Uint8Array {
    return this.buf.subarray(start, end);
  }

  /** The bytes written so far (a copy, safe to keep). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
