import { UnsupportedStore } from './format.js';

/** Below this many bytes a plain loop beats a typed-array copy call (its fixed cost). */
const SHORT = 32;

/**
 * Snappy block decompression (the raw format, not framed), as LevelDB's kSnappyCompression
 * blocks use it: a varint uncompressed length, then literal and copy elements. Writes into
 * `scratch` when it is large enough, so a listing reuses one buffer for every block. Mon
 * blocks are mostly short elements (keys sharing prefixes), so short literals and copies are
 * copied byte by byte; only long ones pay for a `set`/`copyWithin` call.
 */
export function snappyUncompress(src: Uint8Array, scratch?: Uint8Array): Uint8Array {
  const n = src.length;
  let s = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (s >= n || shift > 28) throw new UnsupportedStore('snappy length runs past its record');
    const b = src[s++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  const out = scratch && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
  let d = 0;
  while (s < n) {
    const tag = src[s++]!;
    const kind = tag & 3;
    if (kind === 0) {
      // Literal: length-1 in the upper 6 bits, or in 1-4 following bytes (60..63).
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (s + extra > n) throw new UnsupportedStore('snappy literal length truncated');
        len = 0;
        for (let i = 0; i < extra; i++) len += src[s + i]! * 2 ** (8 * i);
        s += extra;
      }
      len += 1;
      if (s + len > n || d + len > length) throw new UnsupportedStore('snappy literal overruns');
      if (len < SHORT) {
        for (let i = 0; i < len; i++) out[d + i] = src[s + i]!;
      } else out.set(src.subarray(s, s + len), d);
      s += len;
      d += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (s >= n) throw new UnsupportedStore('snappy copy truncated');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[s++]!;
    } else if (kind === 2) {
      if (s + 2 > n) throw new UnsupportedStore('snappy copy truncated');
      len = (tag >>> 2) + 1;
      offset = src[s]! | (src[s + 1]! << 8);
      s += 2;
    } else {
      if (s + 4 > n) throw new UnsupportedStore('snappy copy truncated');
      len = (tag >>> 2) + 1;
      offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24)) >>> 0;
      s += 4;
    }
    if (offset === 0 || offset > d || d + len > length) throw new UnsupportedStore('snappy copy out of range');
    // A copy may overlap its own output (a run): byte by byte then, as the format means it.
    if (len < SHORT || offset < len) {
      for (let i = d - offset, end = d + len; d < end; ) out[d++] = out[i++]!;
    } else {
      out.copyWithin(d, d - offset, d - offset + len);
      d += len;
    }
  }
  if (d !== length) throw new UnsupportedStore('snappy output shorter than its header says');
  return out;
}
