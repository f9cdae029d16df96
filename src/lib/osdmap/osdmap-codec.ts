/**
 * Container codecs shared by the full OSDMap and the Incremental (Ceph src/include/encoding.h, the container encoders; src/msg/msg_types.h entity_addr_t comparison):
 * int-keyed maps (signed order), pg_t-keyed maps ((pool, seed) order), entity_addr_t-keyed
 * maps (memcmp order of the in-memory struct), interval sets, erasure-code profiles.
 * Maps are kept as JavaScript Maps and sorted the way Ceph's std::map is when written.
 */
import { Reader, Writer, decodeUTime, encodeUTime, type UTime } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import {
  decodeEntityAddr,
  decodeEntityAddrvec,
  encodeEntityAddr,
  encodeEntityAddrvec,
  entityAddrKey,
  legacyAddr,
  type EntityAddr,
  type EntityAddrvec,
} from '../msg/entity-addr.js';
import { decodePg, encodePg, type PgId } from './pg.js';
import type { SnapInterval } from './pool.js';
import { compareBytewise, decodeStringMap, encodeStringMap } from './string-map.js';

export const CORRUPT = ['The value is corrupt: restore it from a backup or another monitor.'];

// ---- integer-keyed maps ----------------------------------------------------------------------

export function decodeIntMap<V>(r: Reader, what: string, minBytes: number, key: (r: Reader) => number, value: (r: Reader) => V): Map<number, V> {
  const n = r.count(what, minBytes);
  const out = new Map<number, V>();
  for (let i = 0; i < n; i++) {
    const k = key(r);
    out.set(k, value(r));
  }
  return out;
}

export function sortedByNumber<V>(m: ReadonlyMap<number, V>): [number, V][] {
  return [...m].sort((a, b) => a[0] - b[0]);
}

export function encodeIntMap<V>(w: Writer, m: ReadonlyMap<number, V>, key: (w: Writer, k: number) => void, value: (w: Writer, v: V) => void): void {
  w.u32(m.size);
  for (const [k, v] of sortedByNumber(m)) {
    key(w, k);
    value(w, v);
  }
}

export const s32Key = (r: Reader): number => r.s32('osd id');
export const writeS32 = (w: Writer, v: number): void => void w.s32(v);
export const writeU32 = (w: Writer, v: number): void => void w.u32(v);

/** A pool id written as s64 (map<int64_t, …>): must be a safe integer. */
export function decodePoolId(r: Reader, what = 'pool id'): number {
  const at = r.pos;
  const v = r.s64(what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MonctlError('DECODE_INVALID', `${what} ${v} is out of range`, { offset: at, actions: CORRUPT });
  }
  return Number(v);
}
export const writePoolId = (w: Writer, v: number): void => void w.s64(BigInt(v));

export function decodeS32Vector(r: Reader, what: string): number[] {
  return r.list(what, (x) => x.s32(what), 4);
}
export function decodeU32Vector(r: Reader, what: string): number[] {
  return r.list(what, (x) => x.u32(what), 4);
}

// ---- pg_t-keyed maps -------------------------------------------------------------------------

export interface PgEntry<V> {
  pg: PgId;
  value: V;
}
/** map<pg_t, V>, keyed by `pool.seed` text. */
export type PgMap<V> = Map<string, PgEntry<V>>;

export const pgKey = (pg: PgId): string => `${pg.pool}.${(pg.seed >>> 0).toString(16)}`;

export function pgMapSet<V>(m: PgMap<V>, pg: PgId, value: V): void {
  m.set(pgKey(pg), { pg, value });
}

export function sortedPgEntries<V>(m: PgMap<V>): PgEntry<V>[] {
  return [...m.values()].sort((a, b) => (a.pg.pool !== b.pg.pool ? a.pg.pool - b.pg.pool : (a.pg.seed >>> 0) - (b.pg.seed >>> 0)));
}

export function decodePgMap<V>(r: Reader, what: string, value: (r: Reader) => V): PgMap<V> {
  const n = r.count(what, 17);
  const out: PgMap<V> = new Map();
  for (let i = 0; i < n; i++) {
    const pg = decodePg(r);
    pgMapSet(out, pg, value(r));
  }
  return out;
}

export function encodePgMap<V>(w: Writer, m: PgMap<V>, value: (w: Writer, v: V) => void): void {
  const entries = sortedPgEntries(m);
  w.u32(entries.length);
  for (const e of entries) {
    encodePg(w, e.pg);
    value(w, e.value);
  }
}

/** set<pg_t>: a PgMap with no values. */
export function decodePgSet(r: Reader, what: string): PgMap<null> {
  return decodePgMap(r, what, () => null);
}
export function encodePgSet(w: Writer, m: PgMap<null>): void {
  encodePgMap(w, m, () => {});
}

export const decodeOsdVector = (r: Reader): number[] => decodeS32Vector(r, 'osd list');
export const encodeOsdVector = (w: Writer, v: readonly number[]): void => void w.list(v, (x, o) => x.s32(o));
export const decodeUpmapItems = (r: Reader): [number, number][] =>
  r.list('pg_upmap_items pairs', (x) => [x.s32('upmap from'), x.s32('upmap to')] as [number, number], 8);
export const encodeUpmapItems = (w: Writer, v: readonly [number, number][]): void =>
  void w.list(v, (x, [from, to]) => x.s32(from).s32(to));

// ---- interval sets ---------------------------------------------------------------------------

export function decodeIntervals(r: Reader, what: string): SnapInterval[] {
  return r.list(what, (x) => ({ start: x.u64(`${what} start`), len: x.u64(`${what} length`) }), 16);
}
export function encodeIntervals(w: Writer, set: readonly SnapInterval[]): void {
  w.list(set, (x, i) => x.u64(i.start).u64(i.len));
}

/** map<int64_t pool, interval_set<snapid_t>> */
export function decodeSnapMap(r: Reader, what: string): Map<number, SnapInterval[]> {
  return decodeIntMap(r, what, 12, (x) => decodePoolId(x), (x) => decodeIntervals(x, what));
}
export function encodeSnapMap(w: Writer, m: ReadonlyMap<number, SnapInterval[]>): void {
  encodeIntMap(w, m, writePoolId, encodeIntervals);
}

// ---- entity_addr_t-keyed maps ----------------------------------------------------------------

export interface AddrEntry {
  addr: EntityAddr;
  until: UTime;
}
/** map<entity_addr_t, utime_t>, keyed by the hex of the 36-byte memcmp image. */
export type AddrMap = Map<string, AddrEntry>;

export const addrMapKey = (a: EntityAddr): string => Buffer.from(entityAddrKey(a)).toString('hex');

export function sortedAddrEntries(m: AddrMap): AddrEntry[] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

export function decodeAddrMap(r: Reader, what: string): AddrMap {
  const n = r.count(what, 9);
  const out: AddrMap = new Map();
  for (let i = 0; i < n; i++) {
    const addr = decodeEntityAddr(r);
    out.set(addrMapKey(addr), { addr, until: decodeUTime(r) });
  }
  return out;
}

export function encodeAddrMap(w: Writer, m: AddrMap, features?: bigint): void {
  const entries = sortedAddrEntries(m);
  w.u32(entries.length);
  for (const e of entries) {
    encodeEntityAddr(w, e.addr, features);
    encodeUTime(w, e.until);
  }
}

export function decodeAddrList(r: Reader, what: string): EntityAddr[] {
  return r.list(what, decodeEntityAddr, 5);
}
export function encodeAddrList(w: Writer, list: readonly EntityAddr[], features?: bigint): void {
  w.list(list, (x, a) => encodeEntityAddr(x, a, features));
}

// ---- address vectors -------------------------------------------------------------------------

/**
 * An address where Ceph writes either an addrvec (new versions) or only the legacy address
 * (older versions). Without features the decoded form is repeated as is.
 */
export function encodeAddrvecOrLegacy(w: Writer, av: EntityAddrvec, asAddrvec: boolean, features?: bigint): void {
  if (features === undefined) encodeEntityAddrvec(w, av);
  else if (asAddrvec) encodeEntityAddrvec(w, av, features);
  else encodeEntityAddr(w, legacyAddr(av), features);
}

export function decodeAddrvecList(r: Reader, what: string): EntityAddrvec[] {
  return r.list(what, decodeEntityAddrvec, 5);
}

export function decodeAddrvecMap(r: Reader, what: string): Map<number, EntityAddrvec> {
  return decodeIntMap(r, what, 9, s32Key, decodeEntityAddrvec);
}

export function encodeAddrvecMap(w: Writer, m: ReadonlyMap<number, EntityAddrvec>, asAddrvec: boolean, features?: bigint): void {
  encodeIntMap(w, m, writeS32, (x, av) => encodeAddrvecOrLegacy(x, av, asAddrvec, features));
}

// ---- erasure-code profiles -------------------------------------------------------------------

export function decodeProfiles(r: Reader, what: string): Map<string, Map<string, string>> {
  const n = r.count(what, 8);
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < n; i++) {
    const name = r.string(`${what} name`);
    out.set(name, decodeStringMap(r, `${what} ${name}`));
  }
  return out;
}

export function encodeProfiles(w: Writer, m: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
  const entries = [...m].sort(([a], [b]) => compareBytewise(a, b));
  w.u32(entries.length);
  for (const [name, kv] of entries) encodeStringMap(w.string(name), kv);
}

// ---- CRC -------------------------------------------------------------------------------------

export function crcMismatch(what: string, offset: number, stored: number, actual: number): MonctlError {
  const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
  return new MonctlError('DECODE_INVALID', `${what} CRC mismatch: stored ${hex(stored)}, computed ${hex(actual)}`, {
    offset,
    actions: ['The value is corrupt: restore it from a backup or another monitor, or decode it with the CRC check skipped to inspect it.'],
  });
}
