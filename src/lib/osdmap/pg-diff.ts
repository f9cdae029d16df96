/**
 * Which PGs a change of OSDMap moves: map every PG of every pool in both maps and compare the up
 * and acting sets (and primaries). The share of data that moves is counted on the up sets (where
 * the data is headed; acting may lag behind on pg_temp):
 *  - replicated pools: each OSD of the new up set that was not in the old one receives a copy;
 *  - erasure-coded pools: a shard moves when its position gets another OSD (not a NONE hole).
 * PGs that exist in only one of the maps (a pool created or deleted, pg_num changed) are counted,
 * not compared.
 */
import type { OSDMap } from './osdmap-types.js';
import { CRUSH_ITEM_NONE, pgToUpActing, type PgPlacement } from './placement.js';
import { formatPg, type PgId } from './pg.js';
import { POOL_TYPE } from './pool.js';

export interface PgSets {
  up: number[];
  upPrimary: number;
  acting: number[];
  actingPrimary: number;
}

export interface PgChange {
  pgid: PgId;
  from: PgSets;
  to: PgSets;
  upChanged: boolean;
  actingChanged: boolean;
  /** Replicas (shards) of the up set that land on a new OSD. */
  moved: number;
}

export interface PlacementDiff {
  fromEpoch: number;
  toEpoch: number;
  pgsCompared: number;
  pgsChanged: number;
  upChanged: number;
  actingChanged: number;
  /** OSDs in the old up sets of the compared PGs (NONE holes not counted). */
  replicas: number;
  replicasMoved: number;
  /** 100 · replicasMoved / replicas; NaN when there is no replica. */
  percentMoved: number;
  /** PGs only in the newer map (new pools, pg_num grown) and only in the older one. */
  pgsAdded: number;
  pgsRemoved: number;
  changes: PgChange[];
}

const sets = (p: PgPlacement): PgSets => ({ up: p.up, upPrimary: p.upPrimary, acting: p.acting, actingPrimary: p.actingPrimary });

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Copies of the up set that need a new home, by the pool's kind. */
export function movedReplicas(from: readonly number[], to: readonly number[], positional: boolean): number {
  let n = 0;
  if (positional) {
    for (let i = 0; i < to.length; i++) if (to[i] !== CRUSH_ITEM_NONE && to[i] !== from[i]) n++;
  } else {
    for (const o of to) if (o !== CRUSH_ITEM_NONE && !from.includes(o)) n++;
  }
  return n;
}

/** Compare the placement of every PG of `a` and `b` (optionally of one pool). */
export function diffPlacement(a: OSDMap, b: OSDMap, opts: { pool?: number } = {}): PlacementDiff {
  const d: PlacementDiff = {
    fromEpoch: a.epoch,
    toEpoch: b.epoch,
    pgsCompared: 0,
    pgsChanged: 0,
    upChanged: 0,
    actingChanged: 0,
    replicas: 0,
    replicasMoved: 0,
    percentMoved: NaN,
    pgsAdded: 0,
    pgsRemoved: 0,
    changes: [],
  };
  const ids = [...new Set([...a.pools.keys(), ...b.pools.keys()])].sort((x, y) => x - y);
  for (const id of ids) {
    if (opts.pool !== undefined && id !== opts.pool) continue;
    const pa = a.pools.get(id);
    const pb = b.pools.get(id);
    const na = pa?.pgNum ?? 0;
    const nb = pb?.pgNum ?? 0;
    d.pgsAdded += Math.max(0, nb - na);
    d.pgsRemoved += Math.max(0, na - nb);
    const positional = pb !== undefined && pb.type !== POOL_TYPE.REPLICATED;
    for (let ps = 0; ps < Math.min(na, nb); ps++) {
      const pgid = { pool: id, seed: ps };
      const from = sets(pgToUpActing(a, pgid));
      const to = sets(pgToUpActing(b, pgid));
      d.pgsCompared++;
      for (const o of from.up) if (o !== CRUSH_ITEM_NONE) d.replicas++;
      const upChanged = !sameList(from.up, to.up) || from.upPrimary !== to.upPrimary;
      const actingChanged = !sameList(from.acting, to.acting) || from.actingPrimary !== to.actingPrimary;
      if (!upChanged && !actingChanged) continue;
      const moved = movedReplicas(from.up, to.up, positional);
      d.pgsChanged++;
      if (upChanged) d.upChanged++;
      if (actingChanged) d.actingChanged++;
      d.replicasMoved += moved;
      d.changes.push({ pgid, from, to, upChanged, actingChanged, moved });
    }
  }
  d.percentMoved = d.replicas > 0 ? (100 * d.replicasMoved) / d.replicas : NaN;
  return d;
}

const setText = (v: readonly number[], p: number): string => `([${v.join(',')}], p${p})`;

/** The readable report: a summary line, one line per changed PG, the share moved. */
export function formatPlacementDiff(d: PlacementDiff): string {
  let s = `osdmap e${d.fromEpoch} -> e${d.toEpoch}: ${d.pgsCompared} pgs compared, ${d.pgsChanged} changed (up ${d.upChanged}, acting ${d.actingChanged})`;
  if (d.pgsAdded > 0 || d.pgsRemoved > 0) s += `; ${d.pgsAdded} pgs only in e${d.toEpoch}, ${d.pgsRemoved} only in e${d.fromEpoch}`;
  s += '\n';
  for (const c of d.changes) {
    s += `${formatPg(c.pgid)}\tup ${setText(c.from.up, c.from.upPrimary)} -> ${setText(c.to.up, c.to.upPrimary)}`;
    s += `\tacting ${setText(c.from.acting, c.from.actingPrimary)} -> ${setText(c.to.acting, c.to.actingPrimary)}`;
    s += `\tmoved ${c.moved}\n`;
  }
  const pct = Number.isNaN(d.percentMoved) ? 'n/a' : `${d.percentMoved.toFixed(2)}%`;
  s += `replicas moved: ${d.replicasMoved} of ${d.replicas} (${pct})\n`;
  return s;
}
