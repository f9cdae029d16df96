/**
 * MonMap (Ceph src/mon/MonMap.cc): the monitor map kept under `monmap/<epoch>` and written by monmaptool.
 * Pacific writes v9 compat 6; Octopus v7. The decoder uses DECODE_START_LEGACY_COMPAT_LEN_16
 * (3, 3): v1/v2 maps start with a bare u16 version, whose high byte is skipped. Re-encoding
 * writes the version a map was decoded from, so every archived map round-trips.
 */
import { Reader, Writer, decodeUTime, decodeUuid, encodeUTime, encodeUuid, type UTime } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import {
  compareEntityAddr,
  decodeEntityAddr,
  encodeEntityAddr,
  formatEntityAddrvec,
  legacyAddr,
  legacyOrFrontAddr,
  type EntityAddr,
} from '../msg/entity-addr.js';
import { legacyEnvelope } from '../msg/legacy-envelope.js';
import { formatUTimeCeph } from '../msg/utime.js';
import { OLDEST_KNOWN_RELEASE, effectiveRelease, releaseName } from '../ceph-releases.js';
import { cipherName, monAuthCiphers } from './auth-ciphers.js';
import {
  decodeMonFeature,
  decodeMonInfo,
  encodeMonFeature,
  encodeMonInfo,
  inferReleaseFromMonFeatures,
  type MonInfo,
} from './mon-info.js';

export const MONMAP_V = 9;

export const ELECTION_STRATEGY = { CLASSIC: 1, DISALLOW: 2, CONNECTIVITY: 3 } as const;

export interface MonMap {
  /** struct_v as decoded; the version re-encoding writes (Pacific: 9). */
  structV: number;
  fsid: string;
  epoch: number;
  lastChanged: UTime;
  created: UTime;
  persistentFeatures: bigint;
  optionalFeatures: bigint;
  /** mon_info, keyed by monitor name (encoded in bytewise name order). */
  monInfo: Map<string, MonInfo>;
  /** Monitor names in rank order. */
  ranks: string[];
  /** ceph_release_t (u8): 0 unknown, 16 pacific… */
  minMonRelease: number;
  removedRanks: number[];
  strategy: number;
  disallowedLeaders: string[];
  stretchModeEnabled: boolean;
  tiebreakerMon: string;
  stretchMarkedDownMons: string[];
  /** Bytes of a newer minor version, kept for byte-exact re-encoding. */
  tail?: Uint8Array;
}

const utf8 = new TextEncoder();
const bytewise = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));

export function emptyMonMap(fsid = '00000000-0000-0000-0000-000000000000'): MonMap {
  return {
    structV: MONMAP_V,
    fsid,
    epoch: 0,
    lastChanged: { sec: 0, nsec: 0 },
    created: { sec: 0, nsec: 0 },
    persistentFeatures: 0n,
    optionalFeatures: 0n,
    monInfo: new Map(),
    ranks: [],
    minMonRelease: 0,
    removedRanks: [],
    strategy: ELECTION_STRATEGY.CLASSIC,
    disallowedLeaders: [],
    stretchModeEnabled: false,
    tiebreakerMon: '',
    stretchMarkedDownMons: [],
  };
}

// ---- decode ---------------------------------------------------------------------------------

export function decodeMonMap(r: Reader): MonMap {
  const env = legacyEnvelope(r, 'MonMap', MONMAP_V, 3, 3, 1);
  const v = env.version;
  const m = emptyMonMap();
  m.structV = v;
  m.fsid = decodeUuid(r);
  m.epoch = r.u32('MonMap epoch');
  const legacyAddrs = new Map<string, EntityAddr>();
  if (v === 1) {
    // vector<entity_inst_t>: entity_name_t (u8 type, s64 num) and an address; named by index.
    const n = r.count('MonMap mon_inst', 9 + 1);
    for (let i = 0; i < n; i++) {
      r.u8('entity_name_t type');
      r.s64('entity_name_t num');
      legacyAddrs.set(String.fromCharCode(48 + i), decodeEntityAddr(r));
    }
  } else if (v < 6) {
    const n = r.count('MonMap mon_addr', 5);
    for (let i = 0; i < n; i++) {
      const name = r.string('MonMap mon_addr name');
      legacyAddrs.set(name, decodeEntityAddr(r));
    }
  }
  m.lastChanged = decodeUTime(r);
  m.created = decodeUTime(r);
  if (v >= 4) {
    m.persistentFeatures = decodeMonFeature(r, 'MonMap persistent_features');
    m.optionalFeatures = decodeMonFeature(r, 'MonMap optional_features');
  }
  if (v < 5) {
    for (const [name, addr] of legacyAddrs) {
      m.monInfo.set(name, { name, publicAddrs: { v: [addr] }, priority: 0, weight: 0, crushLoc: new Map() });
    }
  } else {
    const n = r.count('MonMap mon_info', 4 + 6);
    for (let i = 0; i < n; i++) {
      const name = r.string('MonMap mon_info name');
      m.monInfo.set(name, decodeMonInfo(r));
    }
  }
  const ranksAt = r.pos;
  m.ranks = v < 6 ? legacyRanks(m) : r.list('MonMap ranks', (x) => x.string('rank name'), 4);
  m.minMonRelease = v >= 7 ? r.u8('MonMap min_mon_release') : inferReleaseFromMonFeatures(m.persistentFeatures);
  if (v >= 8) {
    m.removedRanks = r.list('MonMap removed_ranks', (x) => x.s32('removed rank'), 4);
    m.strategy = r.u8('MonMap election strategy');
    m.disallowedLeaders = r.list('MonMap disallowed_leaders', (x) => x.string('disallowed leader'), 4);
  }
  if (v >= 9) {
    m.stretchModeEnabled = r.bool('MonMap stretch_mode_enabled');
    m.tiebreakerMon = r.string('MonMap tiebreaker_mon');
    m.stretchMarkedDownMons = r.list('MonMap stretch_marked_down_mons', (x) => x.string('mon name'), 4);
  }
  const tail = env.finish();
  if (tail.length > 0) m.tail = tail;
  checkRanks(m, ranksAt);
  return m;
}

/** Ranks of maps older than v6: by legacy-or-front public address, then by name. */
export function legacyRanks(m: MonMap): string[] {
  return [...m.monInfo.values()]
    .sort((a, b) => {
      const c = compareEntityAddr(legacyOrFrontAddr(a.publicAddrs), legacyOrFrontAddr(b.publicAddrs));
      return c !== 0 ? c : bytewise(a.name, b.name);
    })
    .map((i) => i.name);
}

/** Every ranked name must have a mon_info entry (Ceph asserts it when printing). */
function checkRanks(m: MonMap, offset: number): void {
  for (const name of m.ranks) {
    if (!m.monInfo.has(name)) {
      throw new MonctlError('DECODE_INVALID', `MonMap ranks name mon.${name}, which has no mon_info entry`, {
        offset,
        actions: ['The monmap is inconsistent: restore it from another monitor or rebuild it with monmaptool.'],
      });
    }
  }
}

// ---- encode ---------------------------------------------------------------------------------

function sortedInfos(m: MonMap): MonInfo[] {
  return [...m.monInfo.values()].sort((a, b) => bytewise(a.name, b.name));
}

function encodeLegacyAddrMap(w: Writer, m: MonMap): void {
  const infos = sortedInfos(m);
  w.u32(infos.length);
  for (const i of infos) encodeEntityAddr(w.string(i.name), legacyAddr(i.publicAddrs));
}

/**
 * Writes `m.structV` (9 for maps made here). v1/v2 are the bare u16 forms; v3–v9 use the
 * envelope, compat 3 below v6 and 6 from v6 (Nautilus).
 */
export function encodeMonMap(w: Writer, m: MonMap): void {
  const v = m.structV;
  if (v <= 2) {
    encodeBareMonMap(w, m, v);
    return;
  }
  const mark = w.envelope(v, v >= 6 ? 6 : 3);
  encodeUuid(w, m.fsid);
  w.u32(m.epoch);
  if (v < 6) encodeLegacyAddrMap(w, m);
  encodeUTime(w, m.lastChanged);
  encodeUTime(w, m.created);
  if (v >= 4) {
    encodeMonFeature(w, m.persistentFeatures);
    encodeMonFeature(w, m.optionalFeatures);
  }
  if (v >= 5) {
    const infos = sortedInfos(m);
    w.u32(infos.length);
    for (const i of infos) encodeMonInfo(w.string(i.name), i);
  }
  if (v >= 6) w.list(m.ranks, (x, name) => x.string(name));
  if (v >= 7) w.u8(m.minMonRelease);
  if (v >= 8) {
    w.list([...m.removedRanks].sort((a, b) => a - b), (x, rank) => x.s32(rank));
    w.u8(m.strategy);
    w.list([...m.disallowedLeaders].sort(bytewise), (x, s) => x.string(s));
  }
  if (v >= 9) {
    w.bool(m.stretchModeEnabled).string(m.tiebreakerMon);
    w.list([...m.stretchMarkedDownMons].sort(bytewise), (x, s) => x.string(s));
  }
  if (m.tail) w.raw(m.tail);
  w.finish(mark);
}

/** Pre-Firefly forms: u16 version, then fsid, epoch, the addresses, last_changed, created. */
function encodeBareMonMap(w: Writer, m: MonMap, v: number): void {
  w.u16(v);
  encodeUuid(w, m.fsid);
  w.u32(m.epoch);
  if (v === 1) {
    w.u32(m.ranks.length);
    m.ranks.forEach((name, rank) => {
      w.u8(1).s64(BigInt(rank)); // entity_name_t MON(rank)
      encodeEntityAddr(w, legacyAddr(m.monInfo.get(name)!.publicAddrs));
    });
  } else encodeLegacyAddrMap(w, m);
  encodeUTime(w, m.lastChanged);
  encodeUTime(w, m.created);
}

// ---- text -----------------------------------------------------------------------------------

/**
 * ceph_release_name() as release `as` names the releases (default Pacific 16.2.15): later
 * ones print `unknown` (Reef's tools name reef, Tentacle's tentacle, neither umbrella).
 */
export function cephReleaseName(release: number, as: number = OLDEST_KNOWN_RELEASE): string {
  return release >= 1 && release <= as ? releaseName(release) : 'unknown';
}

/** The release whose monmaptool text to write: the one named, else the map's min_mon_release (from Pacific on), else Pacific. */
export function monmapTextRelease(m: MonMap, named?: number): number {
  return effectiveRelease(named, m.minMonRelease);
}

/**
 * The text `monmaptool --print` writes after its `monmaptool: monmap file F` line (pass
 * `file` to get that line too): MonMap::print of `named` (default: the map's min_mon_release):
 * release names up to it, and from Tentacle the monitors' auth cipher policy.
 */
export function printMonMap(m: MonMap, file?: string, named?: number): string {
  const release = monmapTextRelease(m, named);
  const lines: string[] = [];
  if (file !== undefined) lines.push(`monmaptool: monmap file ${file}`);
  lines.push(`epoch ${m.epoch}`);
  lines.push(`fsid ${m.fsid}`);
  lines.push(`last_changed ${formatUTimeCeph(m.lastChanged)}`);
  lines.push(`created ${formatUTimeCeph(m.created)}`);
  lines.push(`min_mon_release ${m.minMonRelease} (${cephReleaseName(m.minMonRelease, release)})`);
  lines.push(`election_strategy: ${m.strategy}`);
  if (m.stretchModeEnabled) {
    lines.push('stretch_mode_enabled 1');
    lines.push(`tiebreaker_mon ${m.tiebreakerMon}`);
  }
  if (m.stretchModeEnabled || m.disallowedLeaders.length > 0) {
    lines.push(`disallowed_leaders ${[...m.disallowedLeaders].sort(bytewise).join(',')}`);
  }
  m.ranks.forEach((name, rank) => {
    const info = m.monInfo.get(name)!;
    let line = `${rank}: ${formatEntityAddrvec(info.publicAddrs)} mon.${name}`;
    if (info.crushLoc.size > 0) {
      const loc = [...info.crushLoc].sort(([a], [b]) => bytewise(a, b));
      line += `; crush_location {${loc.map(([k, v]) => `${k}=${v}`).join(',')}}`;
    }
    lines.push(line);
  });
  if (release >= RELEASE_TENTACLE) lines.push(...authCipherLines(m));
  return lines.join('\n') + '\n';
}

const RELEASE_TENTACLE = 20;

/** Tentacle's MonMap::print tail: the auth cipher policy (the allowed set as `a, b`). */
function authCipherLines(m: MonMap): string[] {
  const a = monAuthCiphers(m);
  if (a === undefined) return [];
  return [
    `auth_epoch ${a.epoch}`,
    `auth_service_cipher ${cipherName(a.service)}`,
    `auth_allowed_ciphers ${a.allowed.map(cipherName).join(', ')}`,
    `auth_preferred_cipher ${cipherName(a.preferred)}`,
  ];
}
