import { crc32cRange } from '../encoding/crc32c.js';

/**
 * MonitorDBStore's physical key layout: `prefix`, one 0x00 byte, `key`. A prefix's keys
 * are the range [prefix\0, prefix\x01).
 */
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function rawKey(prefix: string, key: string): Uint8Array {
  const p = utf8.encode(prefix);
  const k = utf8.encode(key);
  const out = new Uint8Array(p.length + 1 + k.length);
  out.set(p, 0);
  out.set(k, p.length + 1);
  return out;
}

/** [gte, lt) covering every key of a prefix. */
export function prefixRange(prefix: string): { gte: Uint8Array; lt: Uint8Array } {
  const gte = rawKey(prefix, '');
  const lt = gte.slice();
  lt[lt.length - 1] = 1;
  return { gte, lt };
}

/** Splits a raw key at its first 0x00, as Ceph's KeyValueDB does. */
export function splitRawKey(raw: Uint8Array): { prefix: string; key: string } {
  const nul = raw.indexOf(0);
  if (nul < 0) return { prefix: utf8Decoder.decode(raw), key: '' };
  return { prefix: utf8Decoder.decode(raw.subarray(0, nul)), key: utf8Decoder.decode(raw.subarray(nul + 1)) };
}

/** `prefix/key`, the way errors and ceph-monstore-tool name a key. */
export function keyName(prefix: string, key: string): string {
  return `${prefix}/${key}`;
}

/**
 * The CRC `ceph-kvstore-tool list-crc` prints for a raw `prefix\0key`: crc32c seeded with 0
 * over the prefix, then the key, then the value, chained (the separator is not included).
 */
export function rawKeyValueCrc(raw: Uint8Array, value: Uint8Array): number {
  return keyValueCrcAt(raw, raw.length, raw.indexOf(0), value, 0, value.length);
}

/**
 * The same CRC from where the bytes lie, allocating nothing: the key is key[0, keyLen) with its
 * first NUL at `nul` (-1: none), the value is buf[valueOff, valueOff + valueLen).
 */
export function keyValueCrcAt(key: Uint8Array, keyLen: number, nul: number, buf: Uint8Array, valueOff: number, valueLen: number): number {
  const crc = nul < 0 ? crc32cRange(0, key, 0, keyLen) : crc32cRange(crc32cRange(0, key, 0, nul), key, nul + 1, keyLen);
  return crc32cRange(crc, buf, valueOff, valueOff + valueLen);
}

const KEEP = /[A-Za-z0-9\-._~/]/;
/** A raw `prefix\0key` that url_escape leaves alone. */
const PLAIN_RAW_KEY = /^[A-Za-z0-9\-._~/]*\0[A-Za-z0-9\-._~/]*$/;

/** `prefix\0key` → `prefix<TAB>key`, both url-escaped: one line of `ceph-kvstore-tool list`. */
export function kvToolKeyLine(raw: string): string {
  if (PLAIN_RAW_KEY.test(raw)) return raw.replace('\0', '\t');
  const nul = raw.indexOf('\0');
  return nul < 0 ? `${urlEscape(raw)}\t` : `${urlEscape(raw.slice(0, nul))}\t${urlEscape(raw.slice(nul + 1))}`;
}

/**
 * Ceph's url_escape, which `ceph-kvstore-tool list` applies to prefixes and keys: ASCII
 * letters, digits and `-._~/` stay; every other byte becomes `%xx` (lowercase hex).
 */
export function urlEscape(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) if (!KEEP.test(s[i]!)) plain = false;
  if (plain) return s;
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && KEEP.test(c) ? c : `%${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}
