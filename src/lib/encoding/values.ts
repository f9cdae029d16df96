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

/** Ceph's utime_t text form: `YYYY-MM-DDTHH:MM:SS.uuuuuu+0000` (UTC, microseconds). */
export function formatUTime(t: UTime): string {
  const d = new Date(t.sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}.${pad(Math.floor(t.nsec / 1000), 6)}+0000`;
}

/** uuid_d: 16 raw bytes in printed order. */
export function decodeUuid(r: Reader): string {
  const b = r.raw(16, 'uuid');
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function encodeUuid(w: Writer, uuid: string): void {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a uuid: ${uuid}`);
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  w.raw(b);
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
