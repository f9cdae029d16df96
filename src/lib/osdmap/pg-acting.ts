/**
 * The acting set of every PG of a pool, without an allocation per PG: the loop behind
 * `osdmaptool --test-map-pgs[-dump]` and `monctl pg stats|dump-map|diff`.
 *
 * Most PGs of a real map have no upmap (of any kind), pg_temp or primary_temp entry and no OSD
 * with a primary affinity below 1: for them acting = up = CRUSH's answer filtered by "exists"
 * and "up", and the primary is the first OSD left. That path runs on typed arrays reused for
 * every PG. A PG with an entry in one of those tables (or any PG of a map with primary
 * affinities) goes through the full pipeline, `pgToUpActing`, which is the specification the
 * fast path must agree with.
 */
import { doRuleInto, type CrushContext } from '../crush/mapper.js';
import type { OSDMap } from './osdmap-types.js';
import { DEFAULT_PRIMARY_AFFINITY, OSD_STATE } from './osdmap-types.js';
import { hash32_2 } from '../crush/hash.js';
import { crushContextFor, findRule, pgMask, pgToUpActing, stableMod, CRUSH_ITEM_NONE } from './placement.js';
import { POOL_FLAG, POOL_TYPE, type PgPool } from './pool.js';

/** Per-OSD flags the fast path reads. */
const EXISTS = 1;
const UP = 2;

/** Seeds (folded) of `pool` that have an entry in one of the PG tables. */
function specialSeeds(m: OSDMap, poolId: number): Set<number> {
  const out = new Set<number>();
  for (const table of [m.pgUpmap, m.pgUpmapItems, m.pgUpmapPrimaries, m.pgTemp, m.primaryTemp]) {
    for (const e of table.values()) if (e.pg.pool === poolId) out.add(e.pg.seed >>> 0);
  }
  return out;
}

export class PgActingMapper {
  /** The acting set of the last `map()` call: `acting[0 … length)`. */
  readonly acting: Int32Array = new Int32Array(256);
  length = 0;
  /** The acting primary of the last `map()` call, −1 when there is none. */
  primary = -1;

  private readonly state: Uint8Array;
  private readonly weights: Uint32Array;
  private readonly affinityMatters: boolean;
  private poolId = -1;
  private pool: PgPool | undefined;
  private ruleno = -1;
  private ctx: CrushContext | undefined;
  private special = new Set<number>();
  private pgpMask = 0;
  private hashPsPool = false;

  constructor(private readonly m: OSDMap) {
    this.state = new Uint8Array(m.maxOsd);
    this.weights = new Uint32Array(m.maxOsd);
    for (let o = 0; o < m.maxOsd; o++) {
      const s = m.osdState[o] ?? 0;
      this.state[o] = ((s & OSD_STATE.EXISTS) !== 0 ? EXISTS : 0) | ((s & OSD_STATE.EXISTS) !== 0 && (s & OSD_STATE.UP) !== 0 ? UP : 0);
      this.weights[o] = m.osdWeight[o] ?? 0;
    }
    this.affinityMatters = (m.osdPrimaryAffinity ?? []).some((a) => a !== DEFAULT_PRIMARY_AFFINITY);
  }

  /** Select the pool the next `map()` calls are for (undefined when the map has no such pool). */
  usePool(poolId: number): PgPool | undefined {
    this.poolId = poolId;
    this.pool = this.m.pools.get(poolId);
    this.special = specialSeeds(this.m, poolId);
    this.ruleno = this.pool === undefined ? -1 : findRule(this.m.crush, this.pool.crushRule, this.pool.type, this.pool.size);
    this.ctx = this.ruleno >= 0 ? crushContextFor(this.m.crush, poolId) : undefined;
    if (this.pool !== undefined) {
      this.pgpMask = pgMask(this.pool.pgpNum);
      this.hashPsPool = (this.pool.flags & POOL_FLAG.HASHPSPOOL) !== 0n;
    }
    return this.pool;
  }

  /** Map seed `ps` (< pg_num: already folded) of the selected pool into `acting`, `length`, `primary`. */
  map(ps: number): void {
    const pool = this.pool;
    if (pool === undefined) {
      this.length = 0;
      this.primary = -1;
      return;
    }
    if (this.affinityMatters || this.special.has(ps)) {
      this.copyFull(ps);
      return;
    }
    const out = this.acting;
    let n = 0;
    if (this.ctx !== undefined) {
      const ctx = this.ctx;
      // raw_pg_to_pps, inlined so that no pg_t object is made per PG.
      const s = stableMod(ps, pool.pgpNum, this.pgpMask);
      const pps = this.hashPsPool ? hash32_2(s, this.poolId >>> 0) : (s + this.poolId) >>> 0;
      const got = doRuleInto(ctx, this.ruleno, pps, pool.size, this.weights);
      const raw = ctx.scratch.result;
      const state = this.state;
      const maxOsd = state.length;
      const shift = pool.type === POOL_TYPE.REPLICATED;
      for (let i = 0; i < got; i++) {
        const o = raw[i]!;
        // Not existing drops the OSD from raw; existing but down drops it from up. Either way
        // replicated sets close the gap and erasure-coded ones keep a NONE in its place.
        const isUp = o >= 0 && o < maxOsd && (state[o]! & UP) !== 0;
        if (isUp) out[n++] = o;
        else if (!shift) out[n++] = CRUSH_ITEM_NONE;
      }
    }
    this.length = n;
    let primary = -1;
    for (let i = 0; i < n; i++) {
      if (out[i] !== CRUSH_ITEM_NONE) {
        primary = out[i]!;
        break;
      }
    }
    this.primary = primary;
  }

  private copyFull(ps: number): void {
    const p = pgToUpActing(this.m, { pool: this.poolId, seed: ps });
    for (let i = 0; i < p.acting.length; i++) this.acting[i] = p.acting[i]!;
    this.length = p.acting.length;
    this.primary = p.actingPrimary;
  }
}
