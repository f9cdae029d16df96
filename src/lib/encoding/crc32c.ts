/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) in Ceph's raw register form:
 * `crc32c(seed, data)` updates the register and does not invert it at either end. Ceph
 * seeds OSDMap CRCs with 0xFFFFFFFF (so the result is the bitwise NOT of the standard
 * CRC-32C) and bufferlist::crc32c(0) with 0. Chaining spans = passing the last result in.
 *
 * Slicing-by-8 tables: eight table lookups per 8 input bytes (read as two 32-bit words), integer
 * math only.
 */

const POLY = 0x82f63b78;
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let s = 1; s < 8; s++) {
      c = (c >>> 8) ^ t[c & 0xff]!;
      t[s * 256 + i] = c >>> 0;
    }
  }
  return t;
}

export function crc32c(seed: number, data: Uint8Array): number {
  return crc32cRange(seed, data, 0, data.length);
}

/** Word reads below take the platform's byte order; they are only used where it is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * 32-bit views of the last two buffers read, kept: a listing alternates between a key buffer and
 * the table block its values lie in, and the values of one block share one buffer.
 */
let viewBuffer: ArrayBufferLike | undefined;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
let otherBuffer: ArrayBufferLike | undefined;
let otherWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

function wordsOf(buffer: ArrayBufferLike, needed: number): Uint32Array<ArrayBufferLike> {
  if (buffer !== viewBuffer || needed > words.length) {
    const b = otherBuffer;
    const w = otherWords;
    otherBuffer = viewBuffer;
    otherWords = words;
    viewBuffer = buffer;
    words = b === buffer && needed <= w.length ? w : new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  }
  return words;
}

/**
 * crc32c over data[start, end) without a subarray (no allocation per call, which matters for a
 * million small values). The bytes up to a 4-byte boundary of the underlying buffer go one at a
 * time; the rest 8 at a time through a Uint32Array view of that buffer.
 */
export function crc32cRange(seed: number, data: Uint8Array, start: number, end: number): number {
  const t = TABLES;
  let crc = seed >>> 0;
  let i = start;
  const base = data.byteOffset;
  while (i < end && ((base + i) & 3) !== 0) crc = (crc >>> 8) ^ t[(crc ^ data[i++]!) & 0xff]!;
  if (end - i >= 8 && LITTLE_ENDIAN) {
    let j = (base + i) >>> 2;
    const stop = j + (((end - i) >>> 3) << 1);
    const w = data.buffer === viewBuffer && stop <= words.length ? words : wordsOf(data.buffer, stop);
    while (j < stop) {
      const lo = (crc ^ w[j]!) >>> 0;
      const hi = w[j + 1]!;
      crc =
        t[7 * 256 + (lo & 0xff)]! ^
        t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
        t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
        t[4 * 256 + (lo >>> 24)]! ^
        t[3 * 256 + (hi & 0xff)]! ^
        t[2 * 256 + ((hi >>> 8) & 0xff)]! ^
        t[256 + ((hi >>> 16) & 0xff)]! ^
        t[hi >>> 24]!;
      j += 2;
    }
    i = (j << 2) - base;
  }
  while (i < end) crc = (crc >>> 8) ^ t[(crc ^ data[i++]!) & 0xff]!;
  return crc >>> 0;
}

// ---- combining (GF(2) polynomial arithmetic modulo the reflected polynomial) ---------------------

/** a·b mod P, both in the reflected representation (bit 31 is x^0). */
function mulModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) mod P. */
const X2N = (() => {
  const t = new Uint32Array(64);
  let p = 0x40000000; // x^1
  for (let k = 0; k < 64; k++) {
    t[k] = p;
    p = mulModP(p, p);
  }
  return t;
})();

const shiftByLength = new Map<number, number>();

/** x^(8·len) mod P: the operator that runs a CRC register over `len` zero bytes. */
function zerosOperator(len: number): number {
  let op = shiftByLength.get(len);
  if (op !== undefined) return op;
  op = 0x80000000; // x^0
  for (let n = len, k = 3; n > 0; n = Math.floor(n / 2), k++) if (n & 1) op = mulModP(X2N[k & 63]!, op);
  if (shiftByLength.size < 1 << 16) shiftByLength.set(len, op);
  return op;
}

/**
 * crc32c(seed, data) from crc32c(0, data) and data.length, without the data: the register is
 * linear, so seeding only adds the seed run over as many zero bytes. Chaining a cached span's
 * CRC this way costs one 32-step multiply instead of a pass over its bytes.
 */
export function crc32cExtend(seed: number, spanCrc0: number, spanLength: number): number {
  if (seed === 0) return spanCrc0 >>> 0;
  return (mulModP(zerosOperator(spanLength), seed >>> 0) ^ spanCrc0) >>> 0;
}
