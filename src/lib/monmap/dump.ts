/**
 * MonMap::dump as each release writes it (`ceph mon dump -f json`, without the `quorum` list
 * the monitor appends). Field names are Ceph's, quirks included: the disallowed leaders are
 * under the key `"disallowed_leaders: "` and the removed ranks under `"removed_ranks: "` (colon
 * and space are part of the names, as `ceph mon dump -f json` prints them), and
 * `crush_location` is the map's text form `{k=v,…}`, not an object.
 */
import type { UTime } from '../encoding/index.js';
import { dumpEntityAddrvec, formatLegacyStr, type EntityAddrDump } from '../msg/entity-addr.js';
import { cipherName, monAuthCiphers } from './auth-ciphers.js';
import { cephReleaseName, monmapTextRelease, type MonMap } from './monmap.js';

/** The key Pacific's MonMap::dump gives the disallowed leaders (`dump_stream("disallowed_leaders: ")`). */
export const DISALLOWED_LEADERS_KEY = 'disallowed_leaders: ';
/** Likewise `dump_stream("removed_ranks: ")`: the removed ranks, comma-separated. */
export const REMOVED_RANKS_KEY = 'removed_ranks: ';

export interface MonInfoDump {
  rank: number;
  name: string;
  public_addrs: { addrvec: EntityAddrDump[] };
  addr: string;
  public_addr: string;
  priority: number;
  weight: number;
  /** Tentacle: when the mon was added. */
  time_added?: string;
  /** `{k=v,…}` to Squid; Tentacle: `[{key, val}]`. */
  crush_location: string | { key: string; val: string }[];
}

export interface MonMapDump {
  epoch: number;
  fsid: string;
  modified: string;
  created: string;
  min_mon_release: number;
  min_mon_release_name: string;
  election_strategy: number;
  /** Pacific to Squid: the keys with Ceph's stray `: `; Tentacle: plain. */
  [DISALLOWED_LEADERS_KEY]?: string;
  disallowed_leaders?: string;
  stretch_mode: boolean;
  tiebreaker_mon: string;
  [REMOVED_RANKS_KEY]?: string;
  removed_ranks?: string;
  features: { persistent: string[]; optional: string[] };
  mons: MonInfoDump[];
  /** Tentacle: the monitors' auth cipher policy. */
  auth_epoch?: number;
  auth_service_cipher?: { name: string; value: number };
  auth_allowed_ciphers?: { name: string; value: number }[];
  auth_preferred_cipher?: { name: string; value: number };
}

const utf8 = new TextEncoder();
const bytewise = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));

/**
 * ceph::features::mon::get_feature_name: bits 0–7 (Pacific), then one per release from Quincy
 * (8 quincy, 9 reef, 10 squid, 11 tentacle), 63 `reserved`, else `unknown`.
 */
const MON_FEATURES: Record<number, string> = {
  0: 'kraken',
  1: 'luminous',
  2: 'mimic',
  3: 'osdmap-prune',
  4: 'nautilus',
  5: 'octopus',
  6: 'pacific',
  7: 'elector-pinging',
  8: 'quincy',
  9: 'reef',
  10: 'squid',
  11: 'tentacle',
  // Tentacle's (a Tentacle monitor sets both; names in bit order as `ceph mon dump` lists them).
  31: 'cephx_auth_aes256k',
  32: 'nvmeof_beacon_diff',
  63: 'reserved',
};

/** Whether `release` names feature `bit` (Pacific: 0–7, then one more per release; 31–32 from Tentacle). */
function knownBit(bit: number, release: number): boolean {
  if (bit === 63) return true;
  if (bit === 31 || bit === 32) return release >= 20;
  return bit <= 7 + Math.max(0, release - 16);
}

/** mon_feature_t::dump as `release` names the bits (default Pacific): one name per set bit, lowest first (dump_bit_str). */
export function monFeatureNames(features: bigint, release = 16): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((features >> BigInt(bit)) & 1n) out.push(knownBit(bit, release) ? (MON_FEATURES[bit] ?? 'unknown') : 'unknown');
  }
  return out;
}

/** utime_t as Tentacle's mon_info_t::dump writes time_added: `2026-12-06T23:28:52:076856+0000` (a colon before the microseconds). */
function formatTimeAdded(t: UTime): string {
  const d = new Date(t.sec * 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const usec = String(Math.floor(t.nsec / 1000)).padStart(6, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}:${usec}+0000`;
}

/** mon_info_t v6 (Tentacle) appends time_added (utime_t) after crush_loc: the codec keeps it as the entry's tail. */
function timeAdded(info: MonMap['monInfo'] extends Map<string, infer I> ? I : never): UTime {
  const t = info.tail;
  if ((info.structV ?? 0) < 6 || t === undefined || t.length < 8) return { sec: 0, nsec: 0 };
  const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
  return { sec: v.getUint32(0, true), nsec: v.getUint32(4, true) };
}

/** utime_t::gmtime(): `2026-11-22T00:50:30.959486Z`, or `sec.usec` for times under ten years. */
export function formatUTimeGmt(t: UTime): string {
  const usec = String(Math.floor(t.nsec / 1000)).padStart(6, '0');
  if (t.sec < 60 * 60 * 24 * 365 * 10) return `${t.sec}.${usec}`;
  const d = new Date(t.sec * 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${usec}Z`
  );
}

/** operator<< of a std::map<string,string>: `{k=v,k2=v2}` in key order. */
function formatStringMap(m: Map<string, string>): string {
  const entries = [...m].sort(([a], [b]) => bytewise(a, b));
  return `{${entries.map(([k, v]) => `${k}=${v}`).join(',')}}`;
}

/**
 * The object `ceph mon dump -f json` of `named` (default: the map's min_mon_release) prints for
 * this map, less its `quorum` (the live monitors' state, not the map's). Tentacle's differs:
 * the auth cipher policy first, `disallowed_leaders` / `removed_ranks` without the stray `: `,
 * each mon's time_added, and crush_location as `[{key, val}]`.
 */
export function dumpMonMap(m: MonMap, named?: number): MonMapDump {
  const release = monmapTextRelease(m, named);
  const tentacle = release >= 20;
  const cipher = (c: number) => ({ name: cipherName(c), value: c });
  const auth = tentacle ? monAuthCiphers(m) : undefined;
  return {
    epoch: m.epoch,
    ...(auth === undefined
      ? {}
      : {
          auth_epoch: auth.epoch,
          auth_service_cipher: cipher(auth.service),
          auth_allowed_ciphers: auth.allowed.map(cipher),
          auth_preferred_cipher: cipher(auth.preferred),
        }),
    fsid: m.fsid,
    modified: formatUTimeGmt(m.lastChanged),
    created: formatUTimeGmt(m.created),
    min_mon_release: m.minMonRelease,
    min_mon_release_name: cephReleaseName(m.minMonRelease, release),
    election_strategy: m.strategy,
    [tentacle ? 'disallowed_leaders' : DISALLOWED_LEADERS_KEY]: [...m.disallowedLeaders].sort(bytewise).join(','),
    stretch_mode: m.stretchModeEnabled,
    tiebreaker_mon: m.tiebreakerMon,
    [tentacle ? 'removed_ranks' : REMOVED_RANKS_KEY]: [...new Set(m.removedRanks)].sort((a, b) => a - b).join(','),
    features: { persistent: monFeatureNames(m.persistentFeatures, release), optional: monFeatureNames(m.optionalFeatures, release) },
    mons: m.ranks.map((name, rank) => {
      const info = m.monInfo.get(name)!;
      const legacy = formatLegacyStr(info.publicAddrs);
      const loc = [...info.crushLoc].sort(([a], [b]) => bytewise(a, b));
      return {
        rank,
        name,
        public_addrs: dumpEntityAddrvec(info.publicAddrs),
        addr: legacy,
        public_addr: legacy,
        priority: info.priority,
        weight: info.weight,
        ...(tentacle
          ? { time_added: formatTimeAdded(timeAdded(info)), crush_location: loc.map(([key, val]) => ({ key, val })) }
          : { crush_location: formatStringMap(info.crushLoc) }),
      };
    }),
  };
}

/** One line for listings: `epoch 3, 3 mons: a,b,c`. */
export function summarizeMonMap(m: MonMap): string {
  return `epoch ${m.epoch}, ${m.ranks.length} mons: ${m.ranks.join(',')}`;
}
