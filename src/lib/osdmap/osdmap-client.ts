/**
 * The client-usable section of a full OSDMap (Ceph src/osd/OSDMap.cc OSDMap::encode, its client-usable section): envelope compat 1, v9 in
 * Pacific, v10 from Reef (pg_upmap_primaries; gated on SERVER_REEF from 18.2.2). Older feature
 * sets get v3, v6 or v7.
 */
import { decodeCrushMap } from '../crush/codec.js';
import { Reader, Writer, decodeUTime, decodeUuid, encodeUTime, encodeUuid } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { FEATURE, hasFeature } from '../msg/features.js';
import {
  CORRUPT,
  decodeAddrvecList,
  decodeIntMap,
  decodeOsdVector,
  decodePgMap,
  decodePoolId,
  decodeProfiles,
  decodeSnapMap,
  decodeU32Vector,
  decodeUpmapItems,
  encodeAddrvecOrLegacy,
  encodeIntMap,
  encodeOsdVector,
  encodePgMap,
  encodeProfiles,
  encodeSnapMap,
  encodeUpmapItems,
  writePoolId,
  writeU32,
} from './osdmap-codec.js';
import { writeList, writePart, type EncodeCache } from './encode-cache.js';
import { OSDMAP_FLAG, RELEASE, effectiveRequireOsdRelease, type OSDMap } from './osdmap-types.js';
import { decodePgPool, encodePgPool } from './pool.js';

/** Highest client-section version whose fields are read; later tails are kept raw. */
export const OSDMAP_CLIENT_MAX_KNOWN_V = 10;

export function decodeClientSection(r: Reader, m: Partial<OSDMap>): void {
  const env = r.envelope('OSDMap client section', OSDMAP_CLIENT_MAX_KNOWN_V);
  const v = env.version;
  m.clientV = v;
  m.fsid = decodeUuid(r);
  m.epoch = r.u32('epoch');
  m.created = decodeUTime(r);
  m.modified = decodeUTime(r);
  m.pools = decodeIntMap(r, 'pools', 14, decodePoolId, decodePgPool);
  m.poolName = decodeIntMap(r, 'pool_name', 12, decodePoolId, (x) => x.string('pool name'));
  m.poolMax = r.s32('pool_max');
  m.flags = r.u32('flags');
  const maxOsdAt = r.pos;
  m.maxOsd = r.s32('max_osd');
  if (m.maxOsd < 0) throw new MonctlError('DECODE_INVALID', `max_osd ${m.maxOsd} is negative`, { offset: r.pos - 4, actions: CORRUPT });
  m.osdState = v >= 5 ? decodeU32Vector(r, 'osd_state') : r.list('osd_state', (x) => x.u8('osd_state'), 1);
  // Every per-OSD vector has max_osd entries: a corrupt max_osd must not size loops over OSDs.
  if (m.osdState.length !== m.maxOsd) throw new MonctlError('DECODE_INVALID', `max_osd ${m.maxOsd} but osd_state has ${m.osdState.length} entries`, { offset: maxOsdAt, actions: CORRUPT });
  m.osdWeight = decodeU32Vector(r, 'osd_weight');
  m.clientAddrs = decodeAddrvecList(r, 'client_addrs');
  m.pgTemp = decodePgMap(r, 'pg_temp', decodeOsdVector);
  m.primaryTemp = decodePgMap(r, 'primary_temp', (x) => x.s32('primary_temp osd'));
  if (v >= 2) {
    const aff = decodeU32Vector(r, 'osd_primary_affinity');
    if (aff.length > 0) m.osdPrimaryAffinity = aff;
  }
  const crushAt = r.pos + 4;
  m.crushBytes = r.blob('crush');
  try {
    m.crush = decodeCrushMap(m.crushBytes);
  } catch (e) {
    if (e instanceof MonctlError && e.offset !== undefined) e.offset += crushAt;
    throw e;
  }
  m.erasureCodeProfiles = v >= 3 ? decodeProfiles(r, 'erasure_code_profiles') : new Map();
  m.pgUpmap = v >= 4 ? decodePgMap(r, 'pg_upmap', decodeOsdVector) : new Map();
  m.pgUpmapItems = v >= 4 ? decodePgMap(r, 'pg_upmap_items', decodeUpmapItems) : new Map();
  m.crushVersion = v >= 6 ? r.s32('crush_version') : 1;
  m.newRemovedSnaps = v >= 7 ? decodeSnapMap(r, 'new_removed_snaps') : new Map();
  m.newPurgedSnaps = v >= 7 ? decodeSnapMap(r, 'new_purged_snaps') : new Map();
  m.lastUpChange = v >= 9 ? decodeUTime(r) : { sec: 0, nsec: 0 };
  m.lastInChange = v >= 9 ? decodeUTime(r) : { sec: 0, nsec: 0 };
  m.pgUpmapPrimaries = v >= 10 ? decodePgMap(r, 'pg_upmap_primaries', (x) => x.s32('primary osd')) : new Map();
  const tail = r.finish(env, 'OSDMap client section');
  if (tail.length > 0) m.clientTail = tail;
}

/**
 * The client-section version OSDMap::encode picks for these features: 3, 6 or 7 without
 * SERVER_LUMINOUS, SERVER_MIMIC or SERVER_NAUTILUS; else 10 (pg_upmap_primaries) with
 * SERVER_REEF and 9 without it, as 18.2.2 and later gate it. 18.2.0 and 18.2.1 wrote 10
 * whatever the features: a map already at v10 (decoded from such a monitor, or set by
 * applyIncrementalUnencoded from an ungated Incremental) keeps v10, and a map with
 * pg_upmap_primaries needs it. Without features, the decoded version (raised to 10 for
 * pg_upmap_primaries).
 */
export function clientVersionFor(m: OSDMap, features: bigint | undefined): number {
  const needs10 = m.pgUpmapPrimaries.size > 0 ? 10 : 0;
  if (features === undefined) return Math.max(m.clientV, needs10);
  if (!hasFeature(features, FEATURE.SERVER_LUMINOUS)) return 3;
  if (!hasFeature(features, FEATURE.SERVER_MIMIC)) return 6;
  if (!hasFeature(features, FEATURE.SERVER_NAUTILUS)) return 7;
  if (hasFeature(features, FEATURE.SERVER_REEF) || m.clientV >= 10 || needs10) return 10;
  return 9;
}

/** Pre-v4 decoders only know the legacy REQUIRE_* flags: Ceph adds them for the release. */
function flagsForVersion(m: OSDMap, v: number, features: bigint | undefined): number {
  if (features === undefined || v >= 4) return m.flags;
  const release = effectiveRequireOsdRelease(m);
  let f = m.flags;
  if (release >= RELEASE.LUMINOUS) f |= OSDMAP_FLAG.REQUIRE_LUMINOUS | OSDMAP_FLAG.RECOVERY_DELETES;
  else if (release === RELEASE.KRAKEN) f |= OSDMAP_FLAG.REQUIRE_KRAKEN;
  else if (release === RELEASE.JEWEL) f |= OSDMAP_FLAG.REQUIRE_JEWEL;
  return f >>> 0;
}

export function encodeClientSection(w: Writer, m: OSDMap, features: bigint | undefined, cache?: EncodeCache): void {
  const v = clientVersionFor(m, features);
  const key = `${v}:${features}`;
  const part = (value: object, encode: () => void) => writePart(w, cache, value, key, encode);
  const mark = w.envelope(v, 1);
  encodeUuid(w, m.fsid);
  w.u32(m.epoch);
  encodeUTime(w, m.created);
  encodeUTime(w, m.modified);
  part(m.pools, () => encodeIntMap(w, m.pools, writePoolId, (x, p) => encodePgPool(x, p, features)));
  part(m.poolName, () => encodeIntMap(w, m.poolName, writePoolId, (x, name) => x.string(name)));
  w.s32(m.poolMax);
  w.u32(flagsForVersion(m, v, features));
  w.s32(m.maxOsd);
  if (v >= 5) writeList(w, cache, 'osd_state', m.osdState, key, writeU32);
  else w.list(m.osdState, (x, s) => x.u8(s));
  writeList(w, cache, 'osd_weight', m.osdWeight, key, writeU32);
  writeList(w, cache, 'client_addrs', m.clientAddrs, key, (x, av) => encodeAddrvecOrLegacy(x, av, v >= 8, features));
  part(m.pgTemp, () => encodePgMap(w, m.pgTemp, encodeOsdVector));
  part(m.primaryTemp, () => encodePgMap(w, m.primaryTemp, (x, o) => x.s32(o)));
  if (v >= 2) writeList(w, cache, 'osd_primary_affinity', m.osdPrimaryAffinity ?? [], key, writeU32);
  part(m.crushBytes, () => w.blob(m.crushBytes));
  if (v >= 3) part(m.erasureCodeProfiles, () => encodeProfiles(w, m.erasureCodeProfiles));
  if (v >= 4) {
    part(m.pgUpmap, () => encodePgMap(w, m.pgUpmap, encodeOsdVector));
    part(m.pgUpmapItems, () => encodePgMap(w, m.pgUpmapItems, encodeUpmapItems));
  }
  if (v >= 6) w.s32(m.crushVersion);
  if (v >= 7) {
    encodeSnapMap(w, m.newRemovedSnaps);
    encodeSnapMap(w, m.newPurgedSnaps);
  }
  if (v >= 9) {
    encodeUTime(w, m.lastUpChange);
    encodeUTime(w, m.lastInChange);
  }
  if (v >= 10) encodePgMap(w, m.pgUpmapPrimaries, (x, o) => x.s32(o));
  if (features === undefined && v === m.clientV && m.clientTail) w.raw(m.clientTail);
  w.finish(mark);
}
