/**
 * OSDMap::Incremental (Ceph src/osd/OSDMap.cc OSDMap::Incremental): outer envelope v8 compat 7 (legacy thresholds 8/7/7),
 * the client section (v8 in Pacific, v9 from Reef: with SERVER_REEF from 18.2.2), the OSD-only
 * section, then `inc_crc` and `full_crc`. inc_crc is CRC-32C (seed 0xffffffff) of everything
 * from the outer header up to inc_crc, chained over the bytes after it (full_crc and any
 * unknown tail); full_crc is the CRC of the full map that applying this incremental gives.
 *
 * `encodeIncremental(inc)` repeats the decoded versions (byte-exact round trip, inc_crc
 * recomputed); `encodeIncremental(inc, features)` writes what a monitor writes for those
 * features (Pacific to Tentacle), and stores `features` (less the RESERVED bit) as the
 * encode-features field.
 */
import { crc32c, Reader, Writer, decodeUTime, decodeUuid, encodeUTime, encodeUuid } from '../encoding/index.js';
import { FEATURE, hasFeature } from '../msg/features.js';
import { legacyEnvelope } from '../msg/legacy-envelope.js';
import { decodeIncOsdSection, encodeIncOsdSection } from './incremental-osd.js';
import type { Incremental } from './incremental-types.js';
import { FEATURE_RESERVED, refuseClassic } from './osdmap.js';
import {
  crcMismatch,
  decodeAddrvecMap,
  decodeIntMap,
  decodeOsdVector,
  decodePgMap,
  decodePgSet,
  decodePoolId,
  decodeProfiles,
  decodeSnapMap,
  decodeUpmapItems,
  encodeAddrvecMap,
  encodeIntMap,
  encodeOsdVector,
  encodePgMap,
  encodePgSet,
  encodeProfiles,
  encodeSnapMap,
  encodeUpmapItems,
  s32Key,
  writePoolId,
  writeS32,
  writeU32,
} from './osdmap-codec.js';
import type { DecodeOptions } from './osdmap-types.js';
import { decodePgPool, encodePgPool } from './pool.js';

export * from './incremental-types.js';

export const INC_CLIENT_MAX_KNOWN_V = 9;

export function decodeIncremental(bytes: Uint8Array, opts: DecodeOptions = {}): Incremental {
  const r = new Reader(bytes);
  const start = r.pos;
  const env = legacyEnvelope(r, 'OSDMap::Incremental', 8, 7, 7);
  if (env.version < 7) throw refuseClassic('OSDMap::Incremental', env.version);
  const inc: Partial<Incremental> = { structV: env.version, incCrc: 0, fullCrc: 0 };
  decodeIncClientSection(r, inc);
  decodeIncOsdSection(r, inc);
  let crcAt = -1;
  let tailAt = 0;
  if (env.version >= 8) {
    crcAt = r.pos;
    inc.incCrc = r.u32('Incremental inc_crc');
    tailAt = r.pos;
    inc.fullCrc = r.u32('Incremental full_crc');
  }
  env.finish();
  r.end('OSDMap::Incremental');
  if (crcAt >= 0 && !opts.skipCrc) {
    let actual = crc32c(0xffffffff, bytes.subarray(start, crcAt));
    actual = crc32c(actual, bytes.subarray(tailAt, r.pos));
    if (actual !== inc.incCrc) throw crcMismatch('OSDMap::Incremental', crcAt, inc.incCrc!, actual);
  }
  return inc as Incremental;
}

function decodeIncClientSection(r: Reader, inc: Partial<Incremental>): void {
  const env = r.envelope('Incremental client section', INC_CLIENT_MAX_KNOWN_V);
  const v = env.version;
  inc.clientV = v;
  inc.fsid = decodeUuid(r);
  inc.epoch = r.u32('epoch');
  inc.modified = decodeUTime(r);
  inc.newPoolMax = r.s64('new_pool_max');
  inc.newFlags = r.s32('new_flags');
  inc.fullmap = r.blob('fullmap');
  inc.crush = r.blob('crush');
  inc.newMaxOsd = r.s32('new_max_osd');
  inc.newPools = decodeIntMap(r, 'new_pools', 14, decodePoolId, decodePgPool);
  inc.newPoolNames = decodeIntMap(r, 'new_pool_names', 12, decodePoolId, (x) => x.string('pool name'));
  inc.oldPools = r.list('old_pools', (x) => decodePoolId(x), 8);
  inc.newUpClient = decodeAddrvecMap(r, 'new_up_client');
  inc.newState = decodeIntMap(r, 'new_state', v >= 5 ? 8 : 5, s32Key, (x) => (v >= 5 ? x.u32('state') : x.u8('state')));
  inc.newWeight = decodeIntMap(r, 'new_weight', 8, s32Key, (x) => x.u32('weight'));
  inc.newPgTemp = decodePgMap(r, 'new_pg_temp', decodeOsdVector);
  inc.newPrimaryTemp = decodePgMap(r, 'new_primary_temp', (x) => x.s32('primary_temp osd'));
  inc.newPrimaryAffinity = v >= 2 ? decodeIntMap(r, 'new_primary_affinity', 8, s32Key, (x) => x.u32('affinity')) : new Map();
  inc.newErasureCodeProfiles = v >= 3 ? decodeProfiles(r, 'new_erasure_code_profiles') : new Map();
  inc.oldErasureCodeProfiles = v >= 3 ? r.list('old_erasure_code_profiles', (x) => x.string('profile'), 4) : [];
  inc.newPgUpmap = v >= 4 ? decodePgMap(r, 'new_pg_upmap', decodeOsdVector) : new Map();
  inc.oldPgUpmap = v >= 4 ? decodePgSet(r, 'old_pg_upmap') : new Map();
  inc.newPgUpmapItems = v >= 4 ? decodePgMap(r, 'new_pg_upmap_items', decodeUpmapItems) : new Map();
  inc.oldPgUpmapItems = v >= 4 ? decodePgSet(r, 'old_pg_upmap_items') : new Map();
  inc.newRemovedSnaps = v >= 6 ? decodeSnapMap(r, 'new_removed_snaps') : new Map();
  inc.newPurgedSnaps = v >= 6 ? decodeSnapMap(r, 'new_purged_snaps') : new Map();
  inc.newLastUpChange = v >= 8 ? decodeUTime(r) : { sec: 0, nsec: 0 };
  inc.newLastInChange = v >= 8 ? decodeUTime(r) : { sec: 0, nsec: 0 };
  inc.newPgUpmapPrimary = v >= 9 ? decodePgMap(r, 'new_pg_upmap_primary', (x) => x.s32('primary osd')) : new Map();
  inc.oldPgUpmapPrimary = v >= 9 ? decodePgSet(r, 'old_pg_upmap_primary') : new Map();
  const tail = r.finish(env, 'Incremental client section');
  if (tail.length > 0) inc.clientTail = tail;
}

/**
 * The client-section version OSDMap::Incremental::encode picks: 3, 5 or 6 without
 * SERVER_LUMINOUS, SERVER_MIMIC or SERVER_NAUTILUS; else 9 (pg_upmap_primary changes) with
 * SERVER_REEF and 8 without it, as 18.2.2 and later gate it. 18.2.0 and 18.2.1 wrote 9
 * whatever the features: an Incremental decoded at v9 keeps v9, as does one that changes
 * pg_upmap_primaries. Without features, the decoded version (raised to 9 for such changes).
 */
export function incClientVersionFor(inc: Incremental, features: bigint | undefined): number {
  const needs9 = inc.newPgUpmapPrimary.size > 0 || inc.oldPgUpmapPrimary.size > 0 ? 9 : 0;
  if (features === undefined) return Math.max(inc.clientV, needs9);
  if (!hasFeature(features, FEATURE.SERVER_LUMINOUS)) return 3;
  if (!hasFeature(features, FEATURE.SERVER_MIMIC)) return 5;
  if (!hasFeature(features, FEATURE.SERVER_NAUTILUS)) return 6;
  if (hasFeature(features, FEATURE.SERVER_REEF) || inc.clientV >= 9 || needs9) return 9;
  return 8;
}

/** Before v5 new_state was map<s32, u8>: Ceph drops entries whose bits are all above 0xff. */
function encodeNewState(w: Writer, inc: Incremental, v: number, features: bigint | undefined): void {
  if (v >= 5) {
    encodeIntMap(w, inc.newState, writeS32, writeU32);
    return;
  }
  const kept = new Map([...inc.newState].filter(([, s]) => features === undefined || s === 0 || (s & 0xff) !== 0));
  encodeIntMap(w, kept, writeS32, (x, s) => x.u8(s));
}

function encodeIncClientSection(w: Writer, inc: Incremental, features: bigint | undefined): void {
  const v = incClientVersionFor(inc, features);
  const mark = w.envelope(v, 1);
  encodeUuid(w, inc.fsid);
  w.u32(inc.epoch);
  encodeUTime(w, inc.modified);
  w.s64(inc.newPoolMax).s32(inc.newFlags);
  w.blob(inc.fullmap).blob(inc.crush);
  w.s32(inc.newMaxOsd);
  encodeIntMap(w, inc.newPools, writePoolId, (x, p) => encodePgPool(x, p, features));
  encodeIntMap(w, inc.newPoolNames, writePoolId, (x, n) => x.string(n));
  w.list([...inc.oldPools].sort((a, b) => a - b), (x, p) => x.s64(BigInt(p)));
  encodeAddrvecMap(w, inc.newUpClient, v >= 7, features);
  encodeNewState(w, inc, v, features);
  encodeIntMap(w, inc.newWeight, writeS32, writeU32);
  encodePgMap(w, inc.newPgTemp, encodeOsdVector);
  encodePgMap(w, inc.newPrimaryTemp, (x, o) => x.s32(o));
  if (v >= 2) encodeIntMap(w, inc.newPrimaryAffinity, writeS32, writeU32);
  if (v >= 3) {
    encodeProfiles(w, inc.newErasureCodeProfiles);
    w.list(inc.oldErasureCodeProfiles, (x, s) => x.string(s));
  }
  if (v >= 4) {
    encodePgMap(w, inc.newPgUpmap, encodeOsdVector);
    encodePgSet(w, inc.oldPgUpmap);
    encodePgMap(w, inc.newPgUpmapItems, encodeUpmapItems);
    encodePgSet(w, inc.oldPgUpmapItems);
  }
  if (v >= 6) {
    encodeSnapMap(w, inc.newRemovedSnaps);
    encodeSnapMap(w, inc.newPurgedSnaps);
  }
  if (v >= 8) {
    encodeUTime(w, inc.newLastUpChange);
    encodeUTime(w, inc.newLastInChange);
  }
  if (v >= 9) {
    encodePgMap(w, inc.newPgUpmapPrimary, (x, o) => x.s32(o));
    encodePgSet(w, inc.oldPgUpmapPrimary);
  }
  if (features === undefined && v === inc.clientV && inc.clientTail) w.raw(inc.clientTail);
  w.finish(mark);
}

/** Encodes the incremental with a fresh inc_crc; `full_crc` is written as held in `inc`. */
export function encodeIncremental(inc: Incremental, features?: bigint): Uint8Array {
  const f = features === undefined ? undefined : features & ~FEATURE_RESERVED;
  const w = new Writer(1024);
  const outerV = f === undefined ? inc.structV : 8;
  const mark = w.envelope(outerV, 7);
  encodeIncClientSection(w, inc, f);
  encodeIncOsdSection(w, inc, f);
  if (outerV < 8) return w.finish(mark).bytes();
  const crcAt = w.length;
  w.u32(0).u32(inc.fullCrc);
  w.finish(mark);
  const bytes = w.bytes();
  const crc = crc32c(crc32c(0xffffffff, bytes.subarray(0, crcAt)), bytes.subarray(crcAt + 4));
  new DataView(bytes.buffer).setUint32(crcAt, crc, true);
  return bytes;
}
