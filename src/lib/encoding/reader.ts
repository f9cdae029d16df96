import { MonctlError } from '../errors.js';

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** An open versioned block (ENCODE_START on the wire) being decoded. */
export interface Envelope {
  /** struct_v: the version the encoder wrote. */
  version: number;
  /** struct_compat: the oldest decoder that can read it. */
  compat: number;
  /** Offset of the first payload byte (after the 6-byte header). */
  start: number;
  /** Offset one past the last payload byte. */
  end: number;
}

/**
 * A cursor over one encoded value. One bounds check per read throws DECODE_TRUNCATED with
 * the offset, so a corrupt value never becomes garbage.
 */
export class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos: number;
  /** Reads may not pass this offset (narrowed inside envelopes). */
  limit: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.limit = end;
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  /** Throws unless n more bytes are available; returns the offset where they start. */
  need(n: number, what: string): number {
    const at = this.pos;
    if (n < 0 || at + n > this.limit) {
      throw new MonctlError(
        'DECODE_TRUNCATED',
        `truncated while reading ${what}: needs ${n} bytes, ${this.limit - at} left`,
        { offset: at, actions: ['The value is shorter than its encoding says: restore it from a backup or another monitor.'] },
      );
    }
    this.pos = at + n;
    return at;
  }

  u8(what = 'u8'): number {
    return this.bytes[this.need(1, what)]!;
  }
  s8(what = 's8'): number {
    return this.view.getInt8(this.need(1, what));
  }
  bool(what = 'bool'): boolean {
    return this.u8(what) !== 0;
  }
  u16(what = 'u16'): number {
    return this.view.getUint16(this.need(2, what), true);
  }
  s16(what = 's16'): number {
    return this.view.getInt16(this.need(2, what), true);
  }
  u32(what = 'u32'): number {
    return this.view.getUint32(this.need(4, what), true);
  }
  s32(what = 's32'): number {
    return this.view.getInt32(this.need(4, what), true);
  }
  u64(what = 'u64'): bigint {
    return this.view.getBigUint64(this.need(8, what), true);
  }
  s64(what = 's64'): bigint {
    return this.view.getBigInt64(this.need(8, what), true);
  }
  f32(what = 'float'): number {
    return this.view.getFloat32(this.need(4, what), true);
  }
  f64(what = 'double'): number {
    return this.view.getFloat64(this.need(8, what), true);
  }

  /** Raw bytes with no length prefix (a view, not a copy). */
  raw(n: number, what = 'bytes'): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.subarray(at, at + n);
  }

  /** bufferlist: u32 length, then the bytes (a view, not a copy). */
  blob(what = 'bufferlist'): Uint8Array {
    const n = this.u32(`${what} length`);
    return this.raw(n, what);
  }

  /** string: u32 length, then the bytes, decoded as UTF-8. */
  string(what = 'string'): string {
    return textDecoder.decode(this.blob(what));
  }

  /**
   * A u32 element count, checked against the bytes left so a corrupt count cannot make a
   * loop run away: each element takes at least `minElementBytes`.
   */
  count(what: string, minElementBytes = 1): number {
    const at = this.pos;
    const n = this.u32(`${what} count`);
    if (n * minElementBytes > this.limit - this.pos) {
      throw new MonctlError('DECODE_INVALID', `${what} count ${n} cannot fit in the ${this.limit - this.pos} bytes left`, {
        offset: at,
        actions: ['The value is corrupt: restore it from a backup or another monitor.'],
      });
    }
    return n;
  }

  /** Reads `count` then that many elements. */
  list<T>(what: string, element: (r: Reader) => T, minElementBytes = 1): T[] {
    const n = this.count(what, minElementBytes);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = element(this);
    return out;
  }

  /**
   * Opens a versioned block (Ceph's DECODE_START): u8 version, u8 compat, u32 length.
   * Refuses a compat newer than this decoder supports and a length past the data.
   */
  envelope(what: string, supported: number): Envelope {
    const at = this.pos;
    const version = this.u8(`${what} struct_v`);
    const compat = this.u8(`${what} struct_compat`);
    const len = this.u32(`${what} struct_len`);
    if (compat > supported) {
      throw new MonctlError(
        'DECODE_TOO_NEW',
        `${what} encoding v${version} (compat ${compat}) is newer than supported (v${supported})`,
        { offset: at, actions: ['Use a monctl release that knows this Ceph version, or the Ceph tools of that release.'] },
      );
    }
    if (len > this.limit - this.pos) {
      throw new MonctlError('DECODE_TRUNCATED', `${what} struct_len ${len} runs past the ${this.limit - this.pos} bytes left`, {
        offset: at,
        actions: ['The value is shorter than its encoding says: restore it from a backup or another monitor.'],
      });
    }
    const env = { version, compat, start: this.pos, end: this.pos + len };
    return env;
  }

  /**
   * Closes a versioned block (Ceph's DECODE_FINISH): an overrun is corrupt data; an unread
   * tail (fields of a newer minor version) is skipped and returned so encoders can keep it.
   */
  finish(env: Envelope, what: string): Uint8Array {
    if (this.pos > env.end) {
      throw new MonctlError('DECODE_INVALID', `${what} decoded past its struct_len by ${this.pos - env.end} bytes`, {
        offset: env.start - 6,
        actions: ['The value is corrupt: restore it from a backup or another monitor.'],
      });
    }
    const tail = this.bytes.subarray(this.pos, env.end);
    this.pos = env.end;
    return tail;
  }

  /** Asserts the whole value was consumed (top-level values have no trailing bytes). */
  end(what: string): void {
    if (this.pos !== this.limit) {
      throw new MonctlError('DECODE_INVALID', `${this.limit - this.pos} unexpected bytes after ${what}`, {
        offset: this.pos,
        actions: ['The value is not a single encoded object: check the key, or restore it from a backup.'],
      });
    }
  }
}
