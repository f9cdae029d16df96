/**
 * The `read_balance` object OSDMap::dump_read_balance_score adds to a replicated pool of
 * `osd dump` (Reef and later): the scores on success (with the fair score's affinity figures or
 * the size-optimal score's loads), only the message and zero scores when the score could not be
 * computed. Tentacle (and Squid, which brought the size-optimal score) name the score type.
 */
import { RELEASE, type OSDMap } from './osdmap-types.js';
import { POOL_TYPE, type PgPool } from './pool.js';
import { readBalanceScore, type OsdLoad, type ReadBalanceInfo } from './read-balance.js';

const osdLoad = (l: OsdLoad) => ({ osd: l.osd, pgs: l.pgs, primaries: l.primaries, load: l.load });

function scored(info: ReadBalanceInfo, release: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (release >= RELEASE.SQUID) out.score_type = info.scoreType === 'fair' ? 'Fair distribution' : 'OSD size aware';
  out.score_acting = info.actingAdjScore;
  out.score_stable = info.adjustedScore;
  if (info.scoreType === 'fair') {
    out.optimal_score = info.optimalScore;
    out.raw_score_acting = info.actingRawScore;
    out.raw_score_stable = info.rawScore;
    out.primary_affinity_weighted = info.paWeighted;
    out.average_primary_affinity = info.paAvg;
    out.average_primary_affinity_weighted = info.paWeightedAvg;
  } else {
    out.average_osd_load = info.avgOsdLoad;
    out.most_loaded_osd = osdLoad(info.maxOsd);
    if (info.maxOsd.osd !== info.maxActingOsd.osd) out.most_loaded_acting_osd = osdLoad(info.maxActingOsd);
  }
  if (info.errMsg.length > 0) out.error_message = info.errMsg;
  return out;
}

/** `{ read_balance: … }` for a replicated pool from Reef on, else nothing. */
export function dumpReadBalance(m: OSDMap, id: number, pool: PgPool, release: number): { read_balance?: Record<string, unknown> } {
  if (release < RELEASE.REEF || pool.type !== POOL_TYPE.REPLICATED) return {};
  const { rc, info } = readBalanceScore(m, id, release);
  if (rc >= 0) return { read_balance: scored(info, release) };
  if (info.errMsg.length === 0) return {};
  return { read_balance: { error_message: info.errMsg, score_acting: info.actingAdjScore, score_stable: info.adjustedScore } };
}
