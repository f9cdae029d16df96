import { keyValueCrcAt } from '../keys.js';
import type { MergedCursor } from './merge.js';

/** Bytes Ceph's url_escape keeps: ASCII letters, digits and `-._~/` (see keys.ts urlEscape). */
const KEEP = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/') KEEP[c.charCodeAt(0)] = 1;
const HEX = new TextEncoder().encode('0123456789abcdef');
const TAB = 9;
const NL = 10;
/** Room for the `\t` + decimal u32 CRC + `\n` after a key. */
const CRC_ROOM = 12;

/**
 * Writes the `ceph-kvstore-tool list` (`prefix\tkey\n`, url-escaped) or `list-crc`
 * (`prefix\tkey\tcrc\n`) lines of the cursor's entries into `out` as bytes, with no JS
 * string per key, until `out` has no room for the next line or the cursor ends. Returns
 * the bytes written and keys consumed (the cursor is left on the first key not written).
 * Escaped output is pure ASCII, so the caller can turn it into text as latin1.
 */
export function fillListing(c: MergedCursor, withCrc: boolean, out: Uint8Array): { bytes: number; keys: number } {
  let o = 0;
  let keys = 0;
  while (c.valid) {
    const k = c.key;
    const n = c.keyLen;
    // Worst case: every byte escaped to three.
    if (o + 3 * n + 2 + (withCrc ? CRC_ROOM : 0) > out.length) break;
    let nul = -1;
    for (let i = 0; i < n; i++) {
      const b = k[i]!;
      if (b === 0 && nul < 0) {
        // Ceph splits `prefix\0key` at the first NUL (KeyValueDB::split_key).
        nul = i;
        out[o++] = TAB;
      } else if (KEEP[b] === 1) out[o++] = b;
      else {
        out[o++] = 0x25; // '%'
        out[o++] = HEX[b >>> 4]!;
        out[o++] = HEX[b & 15]!;
      }
    }
    if (nul < 0) out[o++] = TAB;
    if (withCrc) {
      out[o++] = TAB;
      o = writeDecimal(out, o, keyValueCrcAt(k, n, nul, c.valueBuf, c.valueOff, c.valueLen));
    }
    out[o++] = NL;
    keys++;
    c.next();
  }
  return { bytes: o, keys };
}

function writeDecimal(out: Uint8Array, o: number, v: number): number {
  let digits = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    out[o + i] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return o + digits;
}
