/**
 * The full OSDMap (Ceph src/osd/OSDMap.cc OSDMap::encode): an outer envelope (v8 compat 7, DECODE_START_LEGACY_COMPAT_LEN
 * with thresholds 8/7/7) holding the client-usable section, the OSD-only section and the CRC
 * (Ceph src/osd/OSDMap.cc OSDMap::encode and src/common/crc32c.cc: CRC-32C seeded with 0xffffffff over everything from the outer header up to
 * the CRC field, chained over any bytes after it).
 *
 * `encodeOSDMap(map)` writes the section versions the map was decoded with, so decoding and
 * re-encoding gives the input bytes back. `encodeOSDMap(map, features)` writes what a monitor
 * (Pacific to Tentacle) writes for those features (the internal RESERVED bit 62 is ignored).
 * The embedded CRUSH map is always written from its raw bytes.
 */
import { crc32c, Reader, Writer } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { legacyEnvelope } from '../msg/legacy-envelope.js';
import { decodeClientSection, encodeClientSection } from './osdmap-client.js';
import { crcMismatch } from './osdmap-codec.js';
import { decodeOsdSection, encodeOsdSection } from './osdmap-osd.js';
import type { DecodeOptions, OSDMap } from './osdmap-types.js';
import type { EncodeCache } from './encode-cache.js';

export * from './osdmap-types.js';

/** Bit 62: Ceph's marker for callers allowed to encode maps; never part of the real mask. */
export const FEATURE_RESERVED = 1n << 62n;

/** The classic (pre-Luminous, unenveloped) encodings start with a u16 version below 7. */
export function refuseClassic(what: string, version: number): MonctlError {
  return new MonctlError('DECODE_INVALID', `${what} uses the classic v${version} encoding (before Ceph 12), which monctl does not read`, {
    offset: 0,
    actions: ['Read this map with the Ceph tools of its release.'],
  });
}

export function decodeOSDMap(bytes: Uint8Array, opts: DecodeOptions = {}): OSDMap {
  const r = new Reader(bytes);
  const m = decodeOSDMapFrom(r, opts);
  r.end('OSDMap');
  return m;
}

/** Decodes one full map at the reader's position (e.g. embedded in an Incremental). */
export function decodeOSDMapFrom(r: Reader, opts: DecodeOptions = {}): OSDMap {
  const start = r.pos;
  const env = legacyEnvelope(r, 'OSDMap', 8, 7, 7);
  if (env.version < 7) throw refuseClassic('OSDMap', env.version);
  const m: Partial<OSDMap> = { structV: env.version, crc: 0 };
  decodeClientSection(r, m);
  decodeOsdSection(r, m);
  let crcAt = -1;
  if (env.version >= 8) {
    crcAt = r.pos;
    m.crc = r.u32('OSDMap crc');
  }
  const tailAt = r.pos;
  env.finish();
  if (crcAt >= 0 && !opts.skipCrc) {
    let actual = crc32c(0xffffffff, r.bytes.subarray(start, crcAt));
    actual = crc32c(actual, r.bytes.subarray(tailAt, r.pos));
    if (actual !== m.crc) throw crcMismatch('OSDMap', crcAt, m.crc!, actual);
  }
  return m as OSDMap;
}

/**
 * Encodes the map and fills in its CRC (the map's `crc` field is not read). Without `features`
 * the decoded section versions are kept; with them, Ceph's choice for those features
 * (OSDMap::encode; the features of a monitor's maps are osdmapEncodingFeatures).
 * With a `cache` (osdmap verify) the encoded parts of the previous epoch's map are reused and
 * the result is a view into the cache's buffer, valid until its next encoding.
 */
export function encodeOSDMap(map: OSDMap, features?: bigint, cache?: EncodeCache): Uint8Array {
  if (cache) {
    const w = cache.begin();
    encodeOSDMapTo(w, map, features, cache);
    return w.written(0);
  }
  const w = new Writer(4096);
  encodeOSDMapTo(w, map, features);
  return w.bytes();
}

/** Encodes at the writer's position; with a cache, `cache.begin()` must have given `w`. */
export function encodeOSDMapTo(w: Writer, map: OSDMap, features?: bigint, cache?: EncodeCache): number {
  const f = features === undefined ? undefined : features & ~FEATURE_RESERVED;
  const start = w.length;
  const outerV = f === undefined ? map.structV : 8;
  const mark = w.envelope(outerV, 7);
  encodeClientSection(w, map, f, cache);
  encodeOsdSection(w, map, f, cache);
  let crc = 0;
  if (outerV >= 8) {
    const crcAt = w.length;
    w.u32(0);
    w.finish(mark);
    crc = cache ? cache.crc(w, 0xffffffff, start, crcAt) : crc32c(0xffffffff, w.written(start, crcAt));
    w.patchU32(crcAt, crc);
  } else {
    w.finish(mark);
  }
  return crc;
}

/** The CRC an encoding of the map would carry (what an Incremental's full_crc must equal). */
export function osdMapCrc(map: OSDMap, features?: bigint): number {
  return encodeOSDMapTo(new Writer(4096), map, features);
}

/** The CRC field of an encoded v8 map: its last four bytes (0 for anything shorter). */
export function crcField(bytes: Uint8Array): number {
  if (bytes.length < 4) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(bytes.length - 4, true);
}
