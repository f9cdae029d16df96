/** The checks `ceph osd setcrushmap` makes of a new CRUSH map against the pools of the osdmap. */
import { RULE_TYPE_MSR_FIRSTN, RULE_TYPE_MSR_INDEP, type CrushMap } from '../../crush/index.js';
import { minCompatClient } from '../../osdmap/dump.js';
import { POOL_TYPE } from '../../osdmap/pool.js';
import { RELEASE, effectiveRequireOsdRelease, releaseName, type OSDMap } from '../../osdmap/osdmap-types.js';

/**
 * CrushWrapper::rule_valid_for_pool_type (Squid+): a replicated pool takes a replicated or an
 * msr_firstn rule, an erasure pool an erasure or an msr_indep one. Before Squid no map had msr
 * rules, so this is the plain type equality the older OSDMap::validate_crush_rules made.
 */
function ruleFitsPool(ruleType: number, poolType: number): boolean {
  if (ruleType === poolType) return true;
  if (poolType === POOL_TYPE.REPLICATED) return ruleType === RULE_TYPE_MSR_FIRSTN;
  if (poolType === POOL_TYPE.ERASURE) return ruleType === RULE_TYPE_MSR_INDEP;
  return false;
}

/**
 * The problems OSDMonitor would refuse the CRUSH map for, given the pools of `map`
 * (OSDMap::validate_crush_rules). Rules lost min_size/max_size in Quincy, whose check no longer
 * compares a pool's size with them: the size check is made for maps whose require_osd_release is
 * older (a mid-upgrade newer monitor would skip it; the check is the stricter one).
 */
export function crushRuleProblems(crush: CrushMap, map: OSDMap): string[] {
  const problems: string[] = [];
  const sizesChecked = effectiveRequireOsdRelease(map) < RELEASE.QUINCY;
  crush.rules.forEach((rule, id) => {
    if (rule && rule.ruleset !== id) problems.push(`rule ${id} has ruleset ${rule.ruleset}: maps with ruleset != rule id are no longer allowed`);
  });
  for (const [poolId, pool] of [...map.pools].sort(([a], [b]) => a - b)) {
    const name = map.poolName.get(poolId) ?? String(poolId);
    const rule = pool.crushRule >= 0 ? crush.rules[pool.crushRule] : undefined;
    if (!rule) {
      problems.push(`pool ${poolId} '${name}' uses crush_rule ${pool.crushRule}, which the new map does not have`);
      continue;
    }
    if (!ruleFitsPool(rule.type, pool.type)) problems.push(`pool ${poolId} '${name}' has type ${pool.type} but rule ${pool.crushRule} has type ${rule.type}`);
    if (sizesChecked && (pool.size < rule.minSize || pool.size > rule.maxSize)) {
      problems.push(`pool ${poolId} '${name}' size ${pool.size} is outside rule ${pool.crushRule}'s min_size ${rule.minSize} and max_size ${rule.maxSize}`);
    }
  }
  // OSDMonitor::validate_crush_against_features: clients the cluster admits must read it.
  const needs = minCompatClient({ ...map, crush });
  if (map.requireMinCompatClient > 0 && needs > map.requireMinCompatClient) {
    problems.push(`the new map needs clients of release ${releaseName(needs)} but require_min_compat_client is ${releaseName(map.requireMinCompatClient)}`);
  }
  return problems;
}
