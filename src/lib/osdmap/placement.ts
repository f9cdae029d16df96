/**
 * Data placement (Ceph src/osd/OSDMap.cc): from a placement group, or an object name, to the OSDs
 * that hold it, exactly as Ceph 16.2 (Pacific) computes it, with Reef's pg_upmap_primaries and
 * the shard order of Tentacle's optimized erasure-coded pools' pg_temp.
 *
 * The pipeline for one PG: placement seed (pps) → rule lookup (ruleset, type and size checks) →
 * CRUSH → drop OSDs that do not exist → pg_upmap / pg_upmap_items / pg_upmap_primaries → up set (only up OSDs;
 * replicated pools shift, erasure-coded pools keep NONE holes) → primary affinity → pg_temp /
 * primary_temp → acting set. All arithmetic is on unsigned 32-bit integers.
 *
 * CRUSH contexts (the typed-array form of the CRUSH map) are built once per CRUSH map and
 * choose_args selection and cached, so mapping every PG of a pool does not rebuild them.
 */
import { createCrushContext, doRuleInto, type CrushContext } from '../crush/mapper.js';
import { hash32_2 } from '../crush/hash.js';
import type { CrushMap } from '../crush/types.js';
import { pgKey } from './osdmap-codec.js';
import type { OSDMap } from './osdmap-types.js';
import { CEPH_OSD_IN, DEFAULT_PRIMARY_AFFINITY, OSD_STATE } from './osdmap-types.js';
import type { PgId } from './pg.js';
import { CRUSH_ITEM_NONE, POOL_FLAG, POOL_TYPE, type PgPool } from './pool.js';

export { CRUSH_ITEM_NONE };

/** Where one PG is placed. Primaries are −1 when there is none. */
export interface PgPlacement {
  /** CRUSH's answer after non-existent OSDs are removed (what osdmaptool calls raw). */
  raw: number[];
  rawPrimary: number;
  up: number[];
  upPrimary: number;
  acting: number[];
  actingPrimary: number;
}

// ---- pool arithmetic -------------------------------------------------------------------------

/** Number of significant bits (Ceph's cbits): 0 → 0, 1 → 1, 24 → 5. */
function bitLength(n: number): number {
  return 32 - Math.clz32(n >>> 0);
}

/** pg_num_mask / pgp_num_mask: 2^cbits(n − 1) − 1. */
export function pgMask(n: number): number {
  const bits = bitLength((n - 1) >>> 0);
  return bits >= 32 ? 0xffffffff : 2 ** bits - 1;
}

/** ceph_stable_mod: x mod b, stable while b grows towards the next power of two. */
export function stableMod(x: number, b: number, bmask: number): number {
  const low = (x & bmask) >>> 0;
  return low < b ? low : (x & (bmask >>> 1)) >>> 0;
}

/** pg_pool_t::raw_pg_to_pg: fold a raw seed (e.g. a full object hash) into [0, pg_num). */
export function rawPgToPg(pool: PgPool, pg: PgId): PgId {
  return { pool: pg.pool, seed: stableMod(pg.seed >>> 0, pool.pgNum, pgMask(pool.pgNum)) };
}

/** pg_pool_t::raw_pg_to_pps: the CRUSH input for a PG. */
export function rawPgToPps(pool: PgPool, pg: PgId): number {
  const s = stableMod(pg.seed >>> 0, pool.pgpNum, pgMask(pool.pgpNum));
  if ((pool.flags & POOL_FLAG.HASHPSPOOL) !== 0n) return hash32_2(s, pg.pool >>> 0);
  // Legacy pools: seed plus pool id, so pools overlap.
  return (s + pg.pool) >>> 0;
}

const canShiftOsds = (pool: PgPool): boolean => pool.type === POOL_TYPE.REPLICATED;

/** The 16.2 rule lookup: the first rule with the pool's ruleset and type whose size range holds the pool size. */
export function findRule(crush: CrushMap, ruleset: number, type: number, size: number): number {
  for (let i = 0; i < crush.rules.length; i++) {
    const r = crush.rules[i];
    if (r === undefined || r === null) continue;
    if (r.ruleset === ruleset && r.type === type && r.minSize <= size && r.maxSize >= size) return i;
  }
  return -1;
}

// ---- CRUSH contexts --------------------------------------------------------------------------

/**
 * Per CRUSH map: contexts by the choose_args key used ('none', or the key as text), and the
 * same contexts by pool id ('pool N') so that repeated lookups for a pool are one Map hit.
 */
const contexts = new WeakMap<CrushMap, Map<string, CrushContext>>();

/** The CRUSH context an OSDMap uses for a pool: choose_args of the pool id, else −1, else none. */
export function crushContextFor(crush: CrushMap, poolId: number): CrushContext {
  let byKey = contexts.get(crush);
  if (byKey === undefined) {
    byKey = new Map();
    contexts.set(crush, byKey);
  }
  const poolKey = `pool ${poolId}`;
  const cached = byKey.get(poolKey);
  if (cached !== undefined) return cached;
  // Decoding keeps every choose_args key (only their contents are normalised), so the key
  // choice can be read from the encoded set.
  const wanted = BigInt(poolId);
  const key = crush.chooseArgs.has(wanted) ? wanted : crush.chooseArgs.has(-1n) ? -1n : null;
  const name = key === null ? 'none' : key.toString();
  let ctx = byKey.get(name);
  if (ctx === undefined) {
    ctx = createCrushContext(crush, { chooseArgsIndex: key });
    byKey.set(name, ctx);
  }
  byKey.set(poolKey, ctx);
  return ctx;
}

// ---- OSD state -------------------------------------------------------------------------------

const exists = (m: OSDMap, o: number): boolean => o >= 0 && o < m.maxOsd && ((m.osdState[o] ?? 0) & OSD_STATE.EXISTS) !== 0;
const isUp = (m: OSDMap, o: number): boolean => exists(m, o) && ((m.osdState[o] ?? 0) & OSD_STATE.UP) !== 0;
const weightOf = (m: OSDMap, o: number): number => m.osdWeight[o] ?? 0;
/** Ceph's "marked out" test used by the upmap guards: a valid OSD id with weight 0. */
const markedOut = (m: OSDMap, o: number): boolean => o !== CRUSH_ITEM_NONE && o >= 0 && o < m.maxOsd && weightOf(m, o) === 0;

/** First entry that is not NONE, or −1 (OSDMap::_pick_primary). */
export function pickPrimary(osds: readonly number[]): number {
  for (const o of osds) if (o !== CRUSH_ITEM_NONE) return o;
  return -1;
}

// ---- pipeline steps --------------------------------------------------------------------------

/** CRUSH's raw answer with non-existent OSDs removed (replicated) or replaced by NONE (erasure). */
function pgToRawOsds(m: OSDMap, pool: PgPool, pg: PgId): { raw: number[]; pps: number } {
  const pps = rawPgToPps(pool, pg);
  const ruleno = findRule(m.crush, pool.crushRule, pool.type, pool.size);
  let raw: number[] = [];
  if (ruleno >= 0) {
    const ctx = crushContextFor(m.crush, pg.pool);
    const n = doRuleInto(ctx, ruleno, pps, pool.size, m.osdWeight);
    raw = Array.from(ctx.scratch.result.subarray(0, n));
  }
  if (canShiftOsds(pool)) raw = raw.filter((o) => exists(m, o));
  else raw = raw.map((o) => (exists(m, o) ? o : CRUSH_ITEM_NONE));
  return { raw, pps };
}

/** pg_upmap, pg_upmap_items, then pg_upmap_primaries, keyed by the folded pg (OSDMap::_apply_upmap). */
function applyUpmap(m: OSDMap, pool: PgPool, rawPg: PgId, raw: number[]): number[] {
  const key = pgKey(rawPgToPg(pool, rawPg));
  let out = raw;
  const explicit = m.pgUpmap.get(key);
  if (explicit !== undefined) {
    // A target marked out voids the whole step, the items included.
    if (explicit.value.some((o) => markedOut(m, o))) return out;
    out = [...explicit.value];
  }
  const items = m.pgUpmapItems.get(key);
  if (items !== undefined) {
    out = [...out];
    for (const [from, to] of items.value) {
      let present = false;
      let pos = -1;
      for (let i = 0; i < out.length; i++) {
        const o = out[i]!;
        if (o === to) {
          present = true;
          break;
        }
        if (o === from && pos < 0 && !markedOut(m, to)) pos = i;
      }
      if (!present && pos >= 0) out[pos] = to;
    }
  }
  // Reef and later: pg_upmap_primaries swaps the chosen OSD (if in the set, not first, and not
  // marked out) with the first one.
  const primary = m.pgUpmapPrimaries.get(key);
  if (primary !== undefined && primary.value >= 0 && primary.value < m.maxOsd && !markedOut(m, primary.value)) {
    const at = out.indexOf(primary.value, 1);
    if (at > 0) {
      out = [...out];
      out[at] = out[0]!;
      out[0] = primary.value;
    }
  }
  return out;
}

/** Keep the OSDs that exist and are up (replicated: compacted; erasure: NONE holes). */
function rawToUp(m: OSDMap, pool: PgPool, raw: readonly number[]): number[] {
  if (canShiftOsds(pool)) return raw.filter((o) => isUp(m, o));
  return raw.map((o) => (isUp(m, o) ? o : CRUSH_ITEM_NONE));
}

/** OSDMap::_apply_primary_affinity: may pick another primary and, for replicated pools, move it first. */
function applyPrimaryAffinity(m: OSDMap, pool: PgPool, pps: number, up: number[], primary: number): number {
  const aff = m.osdPrimaryAffinity;
  if (aff === undefined) return primary;
  const affinity = (o: number): number => aff[o] ?? DEFAULT_PRIMARY_AFFINITY;
  if (!up.some((o) => o !== CRUSH_ITEM_NONE && affinity(o) !== DEFAULT_PRIMARY_AFFINITY)) return primary;
  let pos = -1;
  for (let i = 0; i < up.length; i++) {
    const o = up[i]!;
    if (o === CRUSH_ITEM_NONE) continue;
    const a = affinity(o);
    if (a < CEPH_OSD_IN && hash32_2(pps, o) >>> 16 >= a) {
      if (pos < 0) pos = i;
    } else {
      pos = i;
      break;
    }
  }
  if (pos < 0) return primary;
  const chosen = up[pos]!;
  if (canShiftOsds(pool) && pos > 0) {
    for (let i = pos; i > 0; i--) up[i] = up[i - 1]!;
    up[0] = chosen;
  }
  return chosen;
}

/** Tentacle's optimized erasure-coded pools (pg_pool_t::allows_ecoptimizations). */
function allowsEcOptimizations(pool: PgPool): boolean {
  return pool.type === POOL_TYPE.ERASURE && (pool.flags & POOL_FLAG.EC_OPTIMIZATIONS) !== 0n;
}

/**
 * OSDMap::pgtemp_undo_primaryfirst: an optimized EC pool's pg_temp lists the shards that may be
 * primary first, then the nonprimary_shards (each group in shard order); back to shard order.
 */
function undoPrimaryFirst(pool: PgPool, temp: readonly number[]): number[] {
  const nonprimary = new Set(pool.nonprimaryShards);
  const order = [...temp.keys()].filter((i) => !nonprimary.has(i)).concat([...temp.keys()].filter((i) => nonprimary.has(i)));
  const out = new Array<number>(temp.length);
  order.forEach((shard, i) => (out[shard] = temp[i]!));
  return out;
}

/** pg_temp filtered by exists/up, and the temp primary (OSDMap::_get_temp_osds). */
function tempOsds(m: OSDMap, pool: PgPool, rawPg: PgId): { temp: number[]; tempPrimary: number } {
  const key = pgKey(rawPgToPg(pool, rawPg));
  let temp: number[] = [];
  const entry = m.pgTemp.get(key);
  if (entry !== undefined) {
    for (const o of entry.value) {
      if (isUp(m, o)) temp.push(o);
      else if (!canShiftOsds(pool)) temp.push(CRUSH_ITEM_NONE);
    }
  }
  const pt = m.primaryTemp.get(key);
  // The primary is the first OSD in pg_temp's own order (primary-capable shards first).
  const tempPrimary = pt !== undefined ? pt.value : pickPrimary(temp);
  if (temp.length > 0 && allowsEcOptimizations(pool)) temp = undoPrimaryFirst(pool, temp);
  return { temp, tempPrimary };
}

/**
 * OSDMap::pg_to_raw_osds + pg_to_up_acting_osds for a pg id as given (it need not be folded:
 * the seed is folded where Ceph folds it). A missing pool gives empty sets and primaries −1.
 */
export function pgToUpActing(m: OSDMap, pgid: PgId): PgPlacement {
  const pool = m.pools.get(pgid.pool);
  if (pool === undefined) return { raw: [], rawPrimary: -1, up: [], upPrimary: -1, acting: [], actingPrimary: -1 };
  const pg: PgId = { pool: pgid.pool, seed: pgid.seed >>> 0 };
  const { raw, pps } = pgToRawOsds(m, pool, pg);
  const rawPrimary = pickPrimary(raw);
  const up = rawToUp(m, pool, applyUpmap(m, pool, pg, raw));
  const upPrimary = applyPrimaryAffinity(m, pool, pps, up, pickPrimary(up));
  const { temp, tempPrimary } = tempOsds(m, pool, pg);
  if (temp.length > 0) return { raw, rawPrimary, up, upPrimary, acting: temp, actingPrimary: tempPrimary };
  return { raw, rawPrimary, up, upPrimary, acting: [...up], actingPrimary: tempPrimary !== -1 ? tempPrimary : upPrimary };
}

// ---- objects ---------------------------------------------------------------------------------

/** Bob Jenkins' 96-bit mix on unsigned 32-bit words. */
function mix(s: Uint32Array): void {
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  a = (a - b - c) >>> 0; a = (a ^ (c >>> 13)) >>> 0;
  b = (b - c - a) >>> 0; b = (b ^ (a << 8)) >>> 0;
  c = (c - a - b) >>> 0; c = (c ^ (b >>> 13)) >>> 0;
  a = (a - b - c) >>> 0; a = (a ^ (c >>> 12)) >>> 0;
  b = (b - c - a) >>> 0; b = (b ^ (a << 16)) >>> 0;
  c = (c - a - b) >>> 0; c = (c ^ (b >>> 5)) >>> 0;
  a = (a - b - c) >>> 0; a = (a ^ (c >>> 3)) >>> 0;
  b = (b - c - a) >>> 0; b = (b ^ (a << 10)) >>> 0;
  c = (c - a - b) >>> 0; c = (c ^ (b >>> 15)) >>> 0;
  s[0] = a;
  s[1] = b;
  s[2] = c;
}

/** ceph_str_hash_rjenkins: Jenkins' lookup2 over bytes (Ceph src/common/ceph_hash.cc ceph_str_hash_rjenkins). */
export function strHashRjenkins(k: Uint8Array): number {
  const s = new Uint32Array([0x9e3779b9, 0x9e3779b9, 0]);
  const word = (i: number): number => (k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24)) >>> 0;
  let i = 0;
  let len = k.length;
  while (len >= 12) {
    s[0] = s[0]! + word(i);
    s[1] = s[1]! + word(i + 4);
    s[2] = s[2]! + word(i + 8);
    mix(s);
    i += 12;
    len -= 12;
  }
  s[2] = s[2]! + k.length;
  // The tail: bytes 0-3 into a, 4-7 into b, 8-10 into c above its low byte.
  for (let j = len - 1; j >= 0; j--) {
    const byte = k[i + j]!;
    if (j < 4) s[0] = s[0]! + byte * 2 ** (8 * j);
    else if (j < 8) s[1] = s[1]! + byte * 2 ** (8 * (j - 4));
    else s[2] = s[2]! + byte * 2 ** (8 * (j - 7));
  }
  mix(s);
  return s[2]!;
}

/** ceph_str_hash_linux: the Linux dcache hash, truncated to 32 bits. */
export function strHashLinux(k: Uint8Array): number {
  let h = 0;
  for (const c of k) h = Math.imul((h + (c << 4) + (c >>> 4)) >>> 0, 11) >>> 0;
  return h;
}

export const OBJECT_HASH = { LINUX: 1, RJENKINS: 2 } as const;

/** ceph_str_hash: by the pool's object_hash type; unknown types hash to 0xffffffff. */
export function strHash(type: number, bytes: Uint8Array): number {
  if (type === OBJECT_HASH.RJENKINS) return strHashRjenkins(bytes);
  if (type === OBJECT_HASH.LINUX) return strHashLinux(bytes);
  return 0xffffffff;
}

/** pg_pool_t::hash_key: the key (or name), prefixed by `namespace` and 0x1f when there is one. */
export function hashObjectKey(pool: PgPool, key: string, namespace = ''): number {
  const k = Buffer.from(key, 'utf8');
  if (namespace === '') return strHash(pool.objectHash, k);
  const ns = Buffer.from(namespace, 'utf8');
  return strHash(pool.objectHash, Buffer.concat([ns, Buffer.from([0x1f]), k]));
}

export interface ObjectPg {
  /** The object's full 32-bit hash as the seed (`1.7fc1f406`). */
  rawPgid: PgId;
  /** Folded by pg_num (`1.6`). */
  pgid: PgId;
}

/** The id of the pool named `name`, as `ceph osd map` and the mon look pools up. */
export function poolIdByName(map: OSDMap, name: string): number | undefined {
  for (const [id, n] of map.poolName) if (n === name) return id;
  return undefined;
}

/**
 * OSDMap::object_locator_to_pg (with no locator key or hash) then raw_pg_to_pg; null when the
 * pool does not exist.
 */
export function objectToPg(m: OSDMap, poolId: number, name: string, namespace = ''): ObjectPg | null {
  const pool = m.pools.get(poolId);
  if (pool === undefined) return null;
  const rawPgid = { pool: poolId, seed: hashObjectKey(pool, name, namespace) };
  return { rawPgid, pgid: rawPgToPg(pool, rawPgid) };
}

// ---- output ----------------------------------------------------------------------------------

/** A vector of ints as Ceph prints it: `[1,2,3]`. */
export const formatOsdVector = (v: readonly number[]): string => `[${v.join(',')}]`;
