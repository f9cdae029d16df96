/**
 * The read balance score Reef and Squid print after each replicated pool (`osdmaptool --print`,
 * `ceph osd pool ls detail`): OSDMap::calc_read_balance_score and set_rbi. How evenly the pool's
 * primaries spread over its OSDs: the most primaries one OSD holds over the average, adjusted
 * for primary affinity. Arithmetic is in C++ `float`, as Ceph computes it (rounded to hundredths
 * by rbi_round at each step).
 */
import { bucketItemWeight, RuleOp, type CrushMap } from '../crush/types.js';
import type { OSDMap } from './osdmap-types.js';
import { DEFAULT_PRIMARY_AFFINITY } from './osdmap-types.js';
import { CRUSH_ITEM_NONE, pgToUpActing } from './placement.js';

const f32 = Math.fround;

/** read_balance_info_t (the fields the print and dump use). */
export interface ReadBalanceInfo {
  paAvg: number;
  paWeighted: number;
  paWeightedAvg: number;
  rawScore: number;
  optimalScore: number;
  adjustedScore: number;
  actingRawScore: number;
  actingAdjScore: number;
  errMsg: string;
}

export interface ReadBalanceResult {
  /** 0, or Ceph's negative errno (the score is not printed then). */
  rc: number;
  info: ReadBalanceInfo;
}

/** OSDMap::rbi_round: to hundredths, half away from zero, on floats. */
function rbiRound(f: number): number {
  const x = f32(f * 100);
  return f32(f > 0 ? Math.floor(x + 0.5) / 100 : Math.ceil(x - 0.5) / 100);
}

const zeroInfo = (): ReadBalanceInfo => ({
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

/** OSDMap::calc_read_balance_score for one pool (Reef and Squid). */
export function readBalanceScore(m: OSDMap, poolId: number): ReadBalanceResult {
  const pool = m.pools.get(poolId);
  if (pool === undefined) return { rc: -2, info: { ...zeroInfo(), errMsg: `pool ${poolId} not found` } };
  const numPgs = pool.pgNum;
  // Scoring maps every PG; a pg_num no monitor allows (mon_max_pool_pg_num is 65536) comes
  // from a damaged map and would take hours, so it is reported instead of scored.
  if (numPgs > MAX_SCORED_PGS) return { rc: -7, info: { ...zeroInfo(), errMsg: `pool ${poolId} pg_num ${numPgs} is more than a monitor allows; read balance not scored` } };
  // CRUSH descends a loop forever (Ceph's mapper too): a damaged map is reported, not scored.
  const loop = crushLoop(m.crush);
  if (loop !== undefined) return { rc: -40, info: { ...zeroInfo(), errMsg: `the CRUSH map has a loop through bucket ${loop}; read balance not scored` } };

  // get_pgs_by_osd
  const pgsByOsd = new Map<number, number>();
  const primsByOsd = new Map<number, number>();
  const actingPrimsByOsd = new Map<number, number>();
  const actingByPg: number[][] = [];
  const bump = (t: Map<number, number>, o: number) => t.set(o, (t.get(o) ?? 0) + 1);
  for (let ps = 0; ps < numPgs; ps++) {
    const p = pgToUpActing(m, { pool: poolId, seed: ps });
    actingByPg.push(p.acting);
    if (p.up.length === 0) continue;
    for (const o of p.up) if (o !== CRUSH_ITEM_NONE) bump(pgsByOsd, o);
    if (p.upPrimary !== CRUSH_ITEM_NONE) bump(primsByOsd, p.upPrimary);
    if (p.actingPrimary !== CRUSH_ITEM_NONE) bump(actingPrimsByOsd, p.actingPrimary);
  }
  if (pgsByOsd.size === 0) return { rc: -22, info: zeroInfo() };

  const numOsds = pgsByOsd.size;
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
