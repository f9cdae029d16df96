/** The checks `ceph osd setcrushmap` makes of a new CRUSH map against the pools of the osdmap. */
import type { CrushMap } from '../../crush/index.js';
import { minCompatClient } from '../../osdmap/dump.js';
import { releaseName, type OSDMap } from '../../osdmap/osdmap-types.js';

/** The problems OSDMonitor would refuse the CRUSH map for, given the pools of `map`. */
export function crushRuleProblems(crush: CrushMap, map: OSDMap): string[] {
  const problems: string[] = [];
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
    if (rule.type !== pool.type) problems.push(`pool ${poolId} '${name}' has type ${pool.type} but rule ${pool.crushRule} has type ${rule.type}`);
    if (pool.size < rule.minSize || pool.size > rule.maxSize) {
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
