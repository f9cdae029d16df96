/**
 * CRUSH's hash: Bob Jenkins' 96-bit mix in the rjenkins1 variant of Ceph's `src/crush/hash.c`
 * (Ceph src/crush/hash.c). Every input is taken as an unsigned 32-bit word (a bucket id −5 enters as
 * 0xFFFFFFFB) and every result is returned as an unsigned 32-bit Number.
 *
 * Inside the functions the words are kept as signed int32 (what `^`, `<<` give back): modular
 * arithmetic is the same, right shifts are always `>>>` (logical, as C shifts a __u32), and only
 * the returned value is normalised with `>>> 0`.
 */

/** `CRUSH_HASH_RJENKINS1`, the only hash a bucket may name. */
export const CRUSH_HASH_RJENKINS1 = 0;

const SEED = 1315423911;
const X0 = 231232;
const Y0 = 1232;

/*
 * The mix works on three variables in place and the caller keeps using the mutated values, so
 * the state lives in one small typed array: slots for the inputs, the two constants and h.
 */
const S = new Int32Array(8);
const A = 0;
const B = 1;
const C = 2;
const D = 3;
const E = 4;
const X = 5;
const Y = 6;
const H = 7;

/** mix(s[i], s[j], s[k]): the nine subtract/subtract/xor-shift lines of §2.1. */
function mix(i: number, j: number, k: number): void {
  let a = S[i]!;
  let b = S[j]!;
  let c = S[k]!;
  a = (a - b - c) ^ (c >>> 13);
  b = (b - c - a) ^ (a << 8);
  c = (c - a - b) ^ (b >>> 13);
  a = (a - b - c) ^ (c >>> 12);
  b = (b - c - a) ^ (a << 16);
  c = (c - a - b) ^ (b >>> 5);
  a = (a - b - c) ^ (c >>> 3);
  b = (b - c - a) ^ (a << 10);
  c = (c - a - b) ^ (b >>> 15);
  S[i] = a;
  S[j] = b;
  S[k] = c;
}

function start(h: number): void {
  S[H] = SEED ^ h;
  S[X] = X0;
  S[Y] = Y0;
}

/** crush_hash32_rjenkins1(a) */
export function hash32_1(a: number): number {
  start(a);
  S[A] = a;
  S[B] = a; // the one-argument variant mixes a copy of its input as the second word
  mix(B, X, H);
  mix(Y, A, H);
  return S[H]! >>> 0;
}

/** crush_hash32_rjenkins1_2(a, b) */
export function hash32_2(a: number, b: number): number {
  start(a ^ b);
  S[A] = a;
  S[B] = b;
  mix(A, B, H);
  mix(X, A, H);
  mix(B, Y, H);
  return S[H]! >>> 0;
}

/** hash3's result, as a signed word: a typed-array slot, so that no call boxes a number. */
const H3 = new Int32Array(1);

/**
 * crush_hash32_rjenkins1_3(a, b, c) into H3[0] — straw, straw2 and the uniform permutation.
 * This is the hottest function of a mapping, so its five mixes are written out on local
 * variables (the same lines as `mix`, in the order of §2.2) instead of going through the shared
 * state. The result goes to a slot rather than being returned: a u32 above 2^30 returned from a
 * call that is not inlined is a heap number, one allocation per straw2 item.
 */
function hash3(a: number, b: number, c: number): void {
  a |= 0;
  b |= 0;
  c |= 0;
  let h = SEED ^ a ^ b ^ c;
  let x = X0;
  let y = Y0;
  // mix(a, b, h)
  a = (a - b - h) ^ (h >>> 13);
  b = (b - h - a) ^ (a << 8);
  h = (h - a - b) ^ (b >>> 13);
  a = (a - b - h) ^ (h >>> 12);
  b = (b - h - a) ^ (a << 16);
  h = (h - a - b) ^ (b >>> 5);
  a = (a - b - h) ^ (h >>> 3);
  b = (b - h - a) ^ (a << 10);
  h = (h - a - b) ^ (b >>> 15);
  // mix(c, x, h)
  c = (c - x - h) ^ (h >>> 13);
  x = (x - h - c) ^ (c << 8);
  h = (h - c - x) ^ (x >>> 13);
  c = (c - x - h) ^ (h >>> 12);
  x = (x - h - c) ^ (c << 16);
  h = (h - c - x) ^ (x >>> 5);
  c = (c - x - h) ^ (h >>> 3);
  x = (x - h - c) ^ (c << 10);
  h = (h - c - x) ^ (x >>> 15);
  // mix(y, a, h)
  y = (y - a - h) ^ (h >>> 13);
  a = (a - h - y) ^ (y << 8);
  h = (h - y - a) ^ (a >>> 13);
  y = (y - a - h) ^ (h >>> 12);
  a = (a - h - y) ^ (y << 16);
  h = (h - y - a) ^ (a >>> 5);
  y = (y - a - h) ^ (h >>> 3);
  a = (a - h - y) ^ (y << 10);
  h = (h - y - a) ^ (a >>> 15);
  // mix(b, x, h)
  b = (b - x - h) ^ (h >>> 13);
  x = (x - h - b) ^ (b << 8);
  h = (h - b - x) ^ (x >>> 13);
  b = (b - x - h) ^ (h >>> 12);
  x = (x - h - b) ^ (b << 16);
  h = (h - b - x) ^ (x >>> 5);
  b = (b - x - h) ^ (h >>> 3);
  x = (x - h - b) ^ (b << 10);
  h = (h - b - x) ^ (x >>> 15);
  // mix(y, c, h)
  y = (y - c - h) ^ (h >>> 13);
  c = (c - h - y) ^ (y << 8);
  h = (h - y - c) ^ (c >>> 13);
  y = (y - c - h) ^ (h >>> 12);
  c = (c - h - y) ^ (y << 16);
  h = (h - y - c) ^ (c >>> 5);
  y = (y - c - h) ^ (h >>> 3);
  c = (c - h - y) ^ (y << 10);
  h = (h - y - c) ^ (c >>> 15);
  H3[0] = h;
}

/** crush_hash32_rjenkins1_3(a, b, c) as an unsigned 32-bit Number. */
export function hash32_3(a: number, b: number, c: number): number {
  hash3(a, b, c);
  return H3[0]! >>> 0;
}

/** The low 16 bits of crush_hash32_rjenkins1_3(a, b, c): all straw and straw2 use (a small integer, never boxed). */
export function hash32_3Low16(a: number, b: number, c: number): number {
  hash3(a, b, c);
  return H3[0]! & 0xffff;
}

/** crush_hash32_rjenkins1_4(a, b, c, d) — list and tree buckets. */
export function hash32_4(a: number, b: number, c: number, d: number): number {
  start(a ^ b ^ c ^ d);
  S[A] = a;
  S[B] = b;
  S[C] = c;
  S[D] = d;
  mix(A, B, H);
  mix(C, D, H);
  mix(A, X, H);
  mix(Y, B, H);
  mix(C, X, H);
  mix(Y, D, H);
  return S[H]! >>> 0;
}

/** crush_hash32_rjenkins1_5(a, b, c, d, e) */
export function hash32_5(a: number, b: number, c: number, d: number, e: number): number {
  start(a ^ b ^ c ^ d ^ e);
  S[A] = a;
  S[B] = b;
  S[C] = c;
  S[D] = d;
  S[E] = e;
  mix(A, B, H);
  mix(C, D, H);
  mix(E, X, H);
  mix(Y, A, H);
  mix(B, X, H);
  mix(Y, C, H);
  mix(D, X, H);
  mix(Y, E, H);
  return S[H]! >>> 0;
}

/**
 * crush_hash32_N(type, …) for a bucket's `hash` field: any type other than rjenkins1 makes
 * Ceph's dispatcher return 0 — degenerate, but deterministic, and reproduced here.
 */
export function bucketHash3(hashType: number, a: number, b: number, c: number): number {
  return hashType === CRUSH_HASH_RJENKINS1 ? hash32_3(a, b, c) : 0;
}

export function bucketHash4(hashType: number, a: number, b: number, c: number, d: number): number {
  return hashType === CRUSH_HASH_RJENKINS1 ? hash32_4(a, b, c, d) : 0;
}
