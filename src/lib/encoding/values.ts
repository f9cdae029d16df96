import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** utime_t: u32 seconds, u32 nanoseconds. */
export interface UTime {
  sec: number;
  nsec: number;
}

export function decodeUTime(r: Reader): UTime {
  return { sec: r.u32('utime sec'), nsec: r.u32('utime nsec') };
}

export function encodeUTime(w: Writer, t: UTime): void {
  w.u32(t.sec).u32(t.nsec);
}

/** A clock reading as utime_t (a JS clock has millisecond resolution): the one Date → utime_t. */
export function utimeFromDate(d: Date | number): UTime {
  const ms = typeof d === 'number' ? d : d.getTime();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1_000_000 };
}

/** Ceph's utime_t text form: `YYYY-MM-DDTHH:MM:SS.uuuuuu+0000` (UTC, microseconds). */
export function formatUTime(t: UTime): string {
  const d = new Date(t.sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}.${pad(Math.floor(t.nsec / 1000), 6)}+0000`;
}

/** Two hex digits per byte value, and the value of each hex digit (-1: not hex). */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** uuid_d: 16 raw bytes in printed order (hot: one per OSD in a map). */
export function decodeUuid(r: Reader): string {
  const at = r.need(16, 'uuid');
  const b = r.bytes;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX_BYTE[b[at + i]!]!;
  }
  return s;
}

export function encodeUuid(w: Writer, uuid: string): void {
  const out = new Uint8Array(16);
  let n = 0;
  for (let i = 0; i < uuid.length && n <= 32; i++) {
    const c = uuid.charCodeAt(i);
    if (c === 0x2d) continue; // '-'
    const v = c < 128 ? HEX_VALUE[c]! : -1;
    if (v < 0 || n === 32) throw new RangeError(`not a uuid: ${uuid}`);
    out[n >> 1] = (n & 1) === 0 ? v << 4 : out[n >> 1]! | v;
    n++;
  }
  if (n !== 32) throw new RangeError(`not a uuid: ${uuid}`);
  w.raw(out);
}

/** version_t: a u64, the value of every `*_committed` and `full_latest` key. */
export function decodeVersion(bytes: Uint8Array): bigint {
  const r = new Reader(bytes);
  const v = r.u64('version_t');
  r.end('version_t');
  return v;
}

export function encodeVersion(v: bigint): Uint8Array {
  return new Writer(8).u64(v).bytes();
}
