/**
 * The read balance score Reef and later print after each replicated pool (`osdmaptool --print`,
 * `ceph osd pool ls detail`): OSDMap::calc_read_balance_score. The "fair distribution" score
 * (Reef's set_rbi, Tentacle's calc_rbs_fair): how evenly the pool's primaries spread over its
 * OSDs, the most primaries one OSD holds over the average, adjusted for primary affinity. From
 * Squid, a pool with the read_ratio option gets the "OSD size aware" score instead
 * (calc_rbs_size_optimal, sizeOptimalScore below). Arithmetic is in C++ `float`, as Ceph computes it
 * (rounded to hundredths by rbi_round at each step).
 */
import { bucketItemWeight, RuleOp, type CrushMap } from '../crush/types.js';
import type { OSDMap } from './osdmap-types.js';
import { DEFAULT_PRIMARY_AFFINITY, RELEASE } from './osdmap-types.js';
import { CRUSH_ITEM_NONE, pgToUpActing } from './placement.js';
import { POOL_OPT_NAMES } from './pool-opts.js';
import { POOL_TYPE } from './pool.js';

const f32 = Math.fround;

/** read_balance_info_t (the fields the print and dump use). */
export interface ReadBalanceInfo {
  /** RBS_FAIR or (Squid and later, pools with read_ratio) RBS_SIZE_OPTIMAL. */
  scoreType: 'fair' | 'size-optimal';
  paAvg: number;
  paWeighted: number;
  paWeightedAvg: number;
  rawScore: number;
  optimalScore: number;
  adjustedScore: number;
  actingRawScore: number;
  actingAdjScore: number;
  errMsg: string;
  /** Size-optimal only: the average OSD load and the most loaded OSDs (up and acting). */
  avgOsdLoad: number;
  maxOsd: OsdLoad;
  maxActingOsd: OsdLoad;
}

export interface OsdLoad {
  osd: number;
  pgs: number;
  primaries: number;
  load: number;
}

export interface ReadBalanceResult {
  /** 0, or Ceph's negative errno (the score is not printed then). */
  rc: number;
  info: ReadBalanceInfo;
}

/** OSDMap::rbi_round: to hundredths, half away from zero, on floats. */
export function rbiRound(f: number): number {
  const x = f32(f * 100);
  return f32(f > 0 ? Math.floor(x + 0.5) / 100 : Math.ceil(x - 0.5) / 100);
}

const noOsd = (): OsdLoad => ({ osd: 0, pgs: 0, primaries: 0, load: 0 });

/** OSDMap::zero_rbi. */
export const zeroInfo = (): ReadBalanceInfo => ({
  scoreType: 'fair',
  avgOsdLoad: 0,
  maxOsd: noOsd(),
  maxActingOsd: noOsd(),
  paAvg: 0,
  paWeighted: 0,
  paWeightedAvg: 0,
  rawScore: 0,
  optimalScore: 0,
  adjustedScore: 0,
  actingRawScore: 0,
  actingAdjScore: 0,
  errMsg: '',
});

/**
 * CrushWrapper::get_rule_weight_osd_map: for each `take` of the rule, the OSDs below the taken
 * item (breadth first) with their CRUSH weights over the sum of them, added up over the takes.
 */
export function ruleWeightOsdMap(crush: CrushMap, ruleId: number): Map<number, number> | undefined {
  const rule = ruleId >= 0 ? crush.rules[ruleId] : undefined;
  if (!rule) return undefined;
  const out = new Map<number, number>();
  for (const step of rule.steps) {
    const m = new Map<number, number>();
    let sum = 0;
    if (step.op === RuleOp.TAKE) {
      if (step.arg1 >= 0) {
        m.set(step.arg1, 1);
        sum = 1;
      } else {
        sum = f32(sum + takeWeightOsdMap(crush, step.arg1, m));
      }
    }
    for (const [osd, w] of m) out.set(osd, f32((out.get(osd) ?? 0) + f32(w / sum)));
  }
  return out;
}

/** CrushWrapper::_get_take_weight_osd_map: its sum is an `int` (weights are raw 16.16 values). */
function takeWeightOsdMap(crush: CrushMap, root: number, m: Map<number, number>): number {
  let sum = 0;
  const queue = [root];
  while (queue.length > 0) {
    const b = crush.buckets[-1 - queue.shift()!];
    if (!b) continue;
    b.items.forEach((item, j) => {
      if (item >= 0) {
        const w = f32(bucketItemWeight(b, j));
        m.set(item, w);
        sum = Math.trunc(f32(sum + w));
      } else queue.push(item);
    });
  }
  return sum;
}

/** A bucket that contains itself through its children, if any (depth-first, each bucket once). */
function crushLoop(crush: OSDMap['crush']): number | undefined {
  const state = new Map<number, 1 | 2>(); // 1: on the current path, 2: done
  const visit = (id: number): number | undefined => {
    const s = state.get(id);
    if (s === 2) return undefined;
    if (s === 1) return id;
    state.set(id, 1);
    for (const item of crush.buckets[-1 - id]?.items ?? []) {
      if (item >= 0) continue;
      const found = visit(item);
      if (found !== undefined) return found;
    }
    state.set(id, 2);
    return undefined;
  };
  for (const b of crush.buckets) {
    const found = b ? visit(b.id) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Far above Ceph's mon_max_pool_pg_num (65536): the largest pg_num scored. */
const MAX_SCORED_PGS = 1 << 20;

const READ_RATIO_KEY = POOL_OPT_NAMES.indexOf('read_ratio');

/** The pool's read_ratio option (Squid and later), if set. */
export function poolReadRatio(m: OSDMap, poolId: number): bigint | undefined {
  const opt = m.pools.get(poolId)?.opts.opts.find(({ key }) => key === READ_RATIO_KEY)?.opt;
  if (opt === undefined) return undefined;
  return opt.type === 1 ? opt.value : opt.type === 2 ? BigInt(Math.trunc(opt.value)) : 0n;
}

/**
 * OSDMap::calc_read_balance_score for one pool as `release` computes it (default: the newest
 * known): Reef has only the fair score; Squid and later score a pool with read_ratio by size.
 */
export function readBalanceScore(m: OSDMap, poolId: number, release: number = RELEASE.TENTACLE): ReadBalanceResult {
  const pool = m.pools.get(poolId);
  if (pool === undefined) return { rc: -2, info: { ...zeroInfo(), errMsg: `pool ${poolId} not found` } };
  if (pool.type !== POOL_TYPE.REPLICATED) {
    return { rc: -1, info: { ...zeroInfo(), errMsg: `pool ${poolId} is not a replicated pool, read balance score is meaningless` } };
  }
  const guard = scoringGuard(m, poolId);
  if (guard !== undefined) return guard;
  if (release >= RELEASE.SQUID && poolReadRatio(m, poolId) !== undefined) return sizeOptimalScore(m, poolId);
  return fairScore(m, poolId);
}

/** Maps no monitor would hold, reported instead of scored (rc < 0, message on the pool's line). */
function scoringGuard(m: OSDMap, poolId: number): ReadBalanceResult | undefined {
  const numPgs = m.pools.get(poolId)!.pgNum;
  // Scoring maps every PG; a pg_num no monitor allows (mon_max_pool_pg_num is 65536) comes
  // from a damaged map and would take hours, so it is reported instead of scored.
  if (numPgs > MAX_SCORED_PGS) return { rc: -7, info: { ...zeroInfo(), errMsg: `pool ${poolId} pg_num ${numPgs} is more than a monitor allows; read balance not scored` } };
  // CRUSH descends a loop forever (Ceph's mapper too): a damaged map is reported, not scored.
  const loop = crushLoop(m.crush);
  if (loop !== undefined) return { rc: -40, info: { ...zeroInfo(), errMsg: `the CRUSH map has a loop through bucket ${loop}; read balance not scored` } };
  return undefined;
}

/** OSDMap::get_pgs_by_osd: each OSD's PGs (up sets), up primaries and acting primaries, by OSD. */
export function pgsByOsd(m: OSDMap, poolId: number): { pgs: Map<number, Set<number>>; prims: Map<number, Set<number>>; actingPrims: Map<number, Set<number>>; acting: number[][] } {
  const pgs = new Map<number, Set<number>>();
  const prims = new Map<number, Set<number>>();
  const actingPrims = new Map<number, Set<number>>();
  const acting: number[][] = [];
  const add = (t: Map<number, Set<number>>, o: number, ps: number) => {
    let s = t.get(o);
    if (s === undefined) t.set(o, (s = new Set()));
    s.add(ps);
  };
  const numPgs = m.pools.get(poolId)!.pgNum;
  for (let ps = 0; ps < numPgs; ps++) {
    const p = pgToUpActing(m, { pool: poolId, seed: ps });
    acting.push(p.acting);
    if (p.up.length === 0) continue;
    for (const o of p.up) if (o !== CRUSH_ITEM_NONE) add(pgs, o, ps);
    if (p.upPrimary !== CRUSH_ITEM_NONE) add(prims, p.upPrimary, ps);
    if (p.actingPrimary !== CRUSH_ITEM_NONE) add(actingPrims, p.actingPrimary, ps);
  }
  return { pgs, prims, actingPrims, acting };
}

/** The fair-distribution score (Reef's calc_read_balance_score + set_rbi). */
function fairScore(m: OSDMap, poolId: number): ReadBalanceResult {
  const pool = m.pools.get(poolId)!;
  const numPgs = pool.pgNum;
  const byOsd = pgsByOsd(m, poolId);
  const actingByPg = byOsd.acting;
  const primsByOsd = new Map([...byOsd.prims].map(([o, s]) => [o, s.size]));
  const actingPrimsByOsd = new Map([...byOsd.actingPrims].map(([o, s]) => [o, s.size]));
  if (byOsd.pgs.size === 0) return { rc: -22, info: zeroInfo() };

  const numOsds = byOsd.pgs.size;
  const avgPrimsPerOsd = f32(numPgs / numOsds);
  let maxPrims = 0;
  let maxActingPrims = 0;
  let maxOsdScore = 0;
  let actingOnZeroPa = false;
  let primAffinitySum = 0;
  let totalOsdWeight = 0;
  let totalWeightedPa = 0;
  let osdPaCount = 0;
  const affinityf = (o: number) => f32(f32(m.osdPrimaryAffinity?.[o] ?? DEFAULT_PRIMARY_AFFINITY) / DEFAULT_PRIMARY_AFFINITY);

  const weights = ruleWeightOsdMap(m.crush, pool.crushRule) ?? new Map<number, number>();
  for (const [osd, w] of [...weights].sort(([a], [b]) => a - b)) {
    totalOsdWeight = f32(totalOsdWeight + w);
    const pa = affinityf(osd);
    totalWeightedPa = f32(totalWeightedPa + f32(w * pa));
    if (pa !== 0) osdPaCount++;
    const prims = primsByOsd.get(osd);
    if (prims !== undefined) maxPrims = Math.max(maxPrims, prims);
    const aprims = actingPrimsByOsd.get(osd);
    if (aprims !== undefined) {
      maxActingPrims = Math.max(maxActingPrims, aprims);
      if (pa !== 0) maxOsdScore = Math.max(maxOsdScore, f32(aprims / pa));
      else actingOnZeroPa = true;
    }
    primAffinitySum = f32(primAffinitySum + pa);
  }
  if (primAffinitySum === 0) {
    return { rc: -34, info: { ...zeroInfo(), errMsg: `pool ${poolId} has primary_affinity set to zero on all OSDs` } };
  }
  maxOsdScore = f32(maxOsdScore * f32(primAffinitySum / numOsds));

  // set_rbi
  const info = zeroInfo();
  if (f32(totalWeightedPa / totalOsdWeight) < 1 / pool.size) {
    info.errMsg = `pool ${poolId} average primary affinity is lower than ${(1 / pool.size).toFixed(2)}, read balance score is not reliable`;
    return { rc: -22, info };
  }
  info.paWeighted = totalWeightedPa;
  info.paWeightedAvg = rbiRound(f32(totalWeightedPa / totalOsdWeight));
  info.rawScore = rbiRound(f32(maxPrims / avgPrimsPerOsd));
  if (actingOnZeroPa) {
    info.actingRawScore = rbiRound(maxOsdScore);
    info.errMsg = `pool ${poolId} has acting primaries on OSD(s) with primary affinity 0, read balance score is not accurate`;
  } else {
    info.actingRawScore = rbiRound(f32(maxActingPrims / avgPrimsPerOsd));
  }
  info.paAvg = osdPaCount !== 0 ? rbiRound(f32(primAffinitySum / osdPaCount)) : 0;
  if (info.paAvg === 0) {
    info.errMsg = `pool ${poolId} all OSDs have zero primary affinity, can't calculate a reliable read balance score`;
    return { rc: -22, info };
  }
  // has_zero_pa_pgs: a PG whose acting OSDs all have primary affinity 0.
  const zeroPg = actingByPg.findIndex((acting) => acting.every((o) => affinityf(o) === 0));
  if (zeroPg >= 0) {
    info.errMsg = `pool ${poolId} has some PGs where all OSDs are with primary_affinity 0 (at least pg ${poolId}.${zeroPg.toString(16)}), read balance score may not be reliable`;
    return { rc: -22, info };
  }
  info.optimalScore = rbiRound(f32(numOsds / osdPaCount));
  info.adjustedScore = rbiRound(f32(info.rawScore / info.optimalScore));
  info.actingAdjScore = rbiRound(f32(info.actingRawScore / info.optimalScore));
  return { rc: 0, info };
}

/**
 * calc_rbs_size_optimal (Squid and later, pools with read_ratio): each OSD's load is 100 per
 * primary and 100 − read_ratio per other PG it holds; the score is the busiest OSD's load over
 * the average. Primary affinity is ignored (with a warning).
 */
function sizeOptimalScore(m: OSDMap, poolId: number): ReadBalanceResult {
  const pool = m.pools.get(poolId)!;
  const info: ReadBalanceInfo = { ...zeroInfo(), scoreType: 'size-optimal', maxOsd: { ...noOsd(), osd: -1 }, maxActingOsd: { ...noOsd(), osd: -1 } };
  const numPgs = pool.pgNum;
  // Tentacle 20.2 notes a pool without PGs and carries on (the later checks replace the message).
  if (numPgs === 0) info.errMsg = `ERROR: pool ${poolId} has no PGs`;
  const byOsd = pgsByOsd(m, poolId);
  const osds = [...byOsd.pgs.keys()].sort((a, b) => a - b);
  // Tentacle 20.2 walks OSD ids 0 .. (number of OSDs holding the pool) − 1, not the OSDs that
  // hold it: its affinity warning and its PG-leg count look at those ids (an id holding none of
  // the pool counts 0), so a pool whose OSDs are not exactly 0..n−1 is refused as "legs" short.
  let legs = 0;
  for (let o = 0; o < osds.length; o++) {
    if ((m.osdPrimaryAffinity?.[o] ?? DEFAULT_PRIMARY_AFFINITY) !== DEFAULT_PRIMARY_AFFINITY && info.errMsg === '') {
      info.errMsg = `Warning: pool ${poolId} has primary_affinity set to non-default value on some OSDs, this is ignored by the size-optimal read balancer`;
    }
    legs += byOsd.pgs.get(o)?.size ?? 0;
  }
  const expected = numPgs * pool.size;
  if (legs !== expected) {
    info.errMsg = `ERROR: pool ${poolId} has ${legs} PG OSD legs, expected ${expected} - Can't calculate size-optimal read balancer score`;
    return { rc: -22, info };
  }
  const rr = poolReadRatio(m, poolId) ?? 0n;
  if (rr <= 0n || rr > 100n) {
    info.errMsg = `ERROR: pool ${poolId} has invalid read_ratio ${rr} - Can't calculate size-optimal read balancer score`;
    return { rc: -22, info };
  }
  const r = Number(rr);
  const totalLoad = (100 + (pool.size - 1) * (100 - r)) * numPgs;
  if (osds.length === 0) {
    info.errMsg = `ERROR: pool ${poolId} has no active OSDs, can't calculate loads and read balance score`;
    return { rc: -22, info };
  }
  // Tentacle 20.2 divides the total load by the OSD count in integers (u64), then uses it as a float.
  const loadPerOsd = Math.trunc(totalLoad / osds.length);
  info.avgOsdLoad = loadPerOsd;
  let max: OsdLoad | undefined;
  let maxActing: OsdLoad | undefined;
  for (const o of osds) {
    const pgs = byOsd.pgs.get(o)!.size;
    const prims = byOsd.prims.get(o)?.size ?? 0;
    const actingPrims = byOsd.actingPrims.get(o)?.size ?? 0;
    const load = prims * 100 + (pgs - prims) * (100 - r);
    const actingLoad = actingPrims * 100 + (pgs - actingPrims) * (100 - r);
    if (load > (max?.load ?? 0)) max = { osd: o, pgs, primaries: prims, load };
    if (actingLoad > (maxActing?.load ?? 0)) maxActing = { osd: o, pgs, primaries: actingPrims, load: actingLoad };
  }
  if (maxActing === undefined) {
    info.errMsg = `ERROR: Could not find max_acting_load for pool ${poolId}`;
    return { rc: -22, info };
  }
  info.maxActingOsd = maxActing;
  info.actingAdjScore = rbiRound(f32(f32(maxActing.load) / f32(loadPerOsd)));
  if (max === undefined) {
    info.errMsg = `Warning: Could not find max_load for pool ${poolId}`;
  } else {
    info.maxOsd = max;
    info.adjustedScore = rbiRound(f32(f32(max.load) / f32(loadPerOsd)));
  }
  return { rc: 0, info };
}
