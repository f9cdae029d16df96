/**
 * mon_info_t (Ceph src/mon/MonMap.cc): one monitor of the MonMap. Envelope v5, compat 1 in Pacific:
 * name, public_addrs (an addrvec from v3; v1/v2 hold one legacy address), priority (v≥2),
 * weight (v≥4), crush_loc (v≥5). Also mon_feature_t, the MonMap's feature sets.
 */
import { Reader, Writer } from '../encoding/index.js';
import { decodeEntityAddrvec, encodeEntityAddrvec, type EntityAddrvec } from '../msg/entity-addr.js';

export interface MonInfo {
  name: string;
  publicAddrs: EntityAddrvec;
  priority: number;
  weight: number;
  /** crush_location: map<string,string>, key order bytewise. */
  crushLoc: Map<string, string>;
  /** Envelope as decoded (re-encoding repeats it); new entries use Pacific's v5 compat 1. */
  structV?: number;
  structCompat?: number;
  tail?: Uint8Array;
}

export const MON_INFO_V = 5;

const utf8 = new TextEncoder();
const bytewise = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));

export function decodeMonInfo(r: Reader): MonInfo {
  const env = r.envelope('mon_info_t', MON_INFO_V);
  const name = r.string('mon_info_t name');
  const publicAddrs = decodeEntityAddrvec(r);
  const priority = env.version >= 2 ? r.u16('mon_info_t priority') : 0;
  const weight = env.version >= 4 ? r.u16('mon_info_t weight') : 0;
  const crushLoc = new Map<string, string>();
  if (env.version >= 5) {
    const n = r.count('mon_info_t crush_loc', 8);
    for (let i = 0; i < n; i++) {
      const k = r.string('crush_loc key');
      crushLoc.set(k, r.string('crush_loc value'));
    }
  }
  const tail = r.finish(env, 'mon_info_t');
  return {
    name,
    publicAddrs,
    priority,
    weight,
    crushLoc,
    structV: env.version,
    structCompat: env.compat,
    ...(tail.length > 0 ? { tail } : {}),
  };
}

export function encodeMonInfo(w: Writer, m: MonInfo): void {
  const v = m.structV ?? MON_INFO_V;
  const mark = w.envelope(v, m.structCompat ?? 1);
  w.string(m.name);
  encodeEntityAddrvec(w, m.publicAddrs);
  if (v >= 2) w.u16(m.priority);
  if (v >= 4) w.u16(m.weight);
  if (v >= 5) {
    const entries = [...m.crushLoc].sort(([a], [b]) => bytewise(a, b));
    w.u32(entries.length);
    for (const [k, val] of entries) w.string(k).string(val);
  }
  if (v === (m.structV ?? MON_INFO_V) && m.tail) w.raw(m.tail);
  w.finish(mark);
}

/** mon_feature_t: envelope(1,1) { u64 features }. */
export function decodeMonFeature(r: Reader, what: string): bigint {
  const env = r.envelope(what, 1);
  const features = r.u64(`${what} features`);
  r.finish(env, what);
  return features;
}

export function encodeMonFeature(w: Writer, features: bigint): void {
  const mark = w.envelope(1, 1);
  w.u64(features);
  w.finish(mark);
}

/** Monitor feature bits (ceph::features::mon) and their names as Ceph lists them. */
export const MON_FEATURE_NAMES: readonly string[] = [
  'kraken',
  'luminous',
  'mimic',
  'osdmap-prune',
  'nautilus',
  'octopus',
  'pacific',
  'elector-pinging',
  'quincy',
  'reef',
  'squid',
];

/** Ceph's infer_ceph_release_from_mon_features, for MonMaps older than v7. */
export function inferReleaseFromMonFeatures(features: bigint): number {
  const has = (b: number): boolean => ((features >> BigInt(b)) & 1n) === 1n;
  if (has(6)) return 16;
  if (has(5)) return 15;
  if (has(4)) return 14;
  if (has(2)) return 13;
  if (has(1)) return 12;
  if (has(0)) return 11;
  return 0;
}
