/**
 * map<string,string> as Ceph encodes it: u32 count, then key and value strings, keys in
 * std::map order — bytewise over the UTF-8 bytes (not JavaScript's UTF-16 order).
 */
import { Reader, Writer } from '../encoding/index.js';

const utf8 = new TextEncoder();

/** UTF-16 code units that sort differently from their UTF-8 bytes: surrogates vs U+E000–U+FFFF. */
const HIGH_UNITS = /[\ud800-\uffff]/;

export function compareBytewise(a: string, b: string): number {
  // Below U+D800, UTF-16 code-unit order is code-point order, which is UTF-8 byte order; most
  // names are ASCII, so skip the two encodings (OSDMap::dump sorts every OSD's state names).
  if (!HIGH_UNITS.test(a) && !HIGH_UNITS.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

export function decodeStringMap(r: Reader, what: string): Map<string, string> {
  const n = r.count(what, 8);
  const out = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const k = r.string(`${what} key`);
    out.set(k, r.string(`${what} value`));
  }
  return out;
}

export function encodeStringMap(w: Writer, m: ReadonlyMap<string, string>): Writer {
  const entries = [...m].sort(([a], [b]) => compareBytewise(a, b));
  w.u32(entries.length);
  for (const [k, v] of entries) w.string(k).string(v);
  return w;
}
