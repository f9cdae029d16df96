/**
 * The number conversions CrushCompiler applies to its tokens: strtol into an int, and strtof
 * times 0x10000 into a u32 weight — with C's rounding and overflow behaviour, not JavaScript's.
 */
import { doubleToU32 } from './builder.js';

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/** (int)strtol(text, 0, 10) for a token of the grammar's integer forms (`-`? digits). */
export function intNode(text: string): number {
  let v = BigInt(text);
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return Number(BigInt.asIntN(32, v));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float next to f (a float) in the direction of `up`. */
function nextFloat(f: number, up: boolean): number {
  if (f === 0) {
    u32[0] = 1;
    return up ? f32[0]! : -f32[0]!;
  }
  f32[0] = f;
  const away = f > 0 === up;
  u32[0] = away ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

/** An exact decimal (digits × 10^exp, sign apart) from a real_p token. */
function exactDecimal(text: string): { digits: bigint; exp: number } {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) throw new RangeError(`not a decimal: ${text}`);
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  return { digits: BigInt(`0${int}${frac}`), exp: Number(m[3] ?? 0) - frac.length };
}

/** The exact value of a finite double as mantissa × 2^exp. */
function exactBinary(d: number): { mant: bigint; exp: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(d));
  const bits = buf.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return e === 0 ? { mant: frac, exp: -1074 } : { mant: frac | (1n << 52n), exp: e - 1075 };
}

/** Sign of |decimal| − |binary|, exactly. */
function compareExact(dec: { digits: bigint; exp: number }, bin: { mant: bigint; exp: number }): number {
  let l = dec.digits;
  let r = bin.mant;
  if (dec.exp >= 0) l *= 10n ** BigInt(dec.exp);
  else r *= 10n ** BigInt(-dec.exp);
  if (bin.exp >= 0) r <<= BigInt(bin.exp);
  else l <<= BigInt(-bin.exp);
  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * strtof: the decimal rounded once, to nearest float. Rounding through a double first can land
 * exactly on the midpoint of two floats; then the exact decimal decides.
 */
export function strtof(text: string): number {
  const d = Number(text.startsWith('+') ? text.slice(1) : text);
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(f)) return f;
  const other = nextFloat(f, d > f);
  if ((f + other) / 2 !== d) return f;
  const c = compareExact(exactDecimal(text), exactBinary(d));
  if (c === 0) return f; // a true tie: fround already rounded it to even
  const towardsOther = (c > 0) === (Math.abs(other) > Math.abs(f));
  return towardsOther ? other : f;
}

/** `float_node(x) * (float)0x10000` stored into a u32, as the compiler does for every weight. */
export function weight16(text: string): number {
  return doubleToU32(Math.fround(strtof(text) * 0x10000));
}
