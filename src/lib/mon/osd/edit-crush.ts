/**
 * `monctl osdmap edit set-crush FILE`: a compiled CRUSH map becomes the map of a new epoch,
 * carried in the Incremental's `crush` blob, as `ceph osd setcrushmap` does on a live
 * monitor and as the last step of `ceph-monstore-tool rewrite-crush` (the epoch after the
 * last one, holding the good map) does offline. The older epochs are left as they are.
 *
 * Checks, as OSDMonitor makes them before it accepts a map: it decodes; every rule id equals
 * its ruleset (Pacific refuses legacy rule ids); every pool's rule exists, has the pool's
 * type and admits the pool's size (OSDMap::validate_crush_rules); the clients
 * require_min_compat_client admits can read it.
 */
import { decodeCrushMap, encodeCrushMap, type CrushMap } from '../../crush/index.js';
import { MonctlError } from '../../errors.js';
import { nothingToChange, type OsdmapEdit } from './edit-plan.js';
import { minCompatClient } from '../../osdmap/dump.js';
import { releaseName, type OSDMap } from '../../osdmap/osdmap-types.js';

function refuse(message: string, action: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', message, { actions: [action, 'Check the map with `crushtool -i FILE --test` or `monctl crush test -i FILE`.'] });
}

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

/**
 * The edit for a compiled CRUSH map. The incremental carries the map as monctl re-encodes it,
 * which is what a monitor stores in the full map (CrushWrapper::encode), so every peer that
 * applies the incremental gets the same full map and CRC.
 */
export function setCrush(bytes: Uint8Array, file = 'the CRUSH map'): OsdmapEdit {
  let crush: CrushMap;
  try {
    crush = decodeCrushMap(bytes);
  } catch (e) {
    if (!(e instanceof MonctlError)) throw e;
    throw new MonctlError(e.code, `${file} is not a compiled CRUSH map: ${e.message}`, {
      offset: e.offset,
      actions: ['Compile the text map first: `crushtool -c map.txt -o map.bin`.'],
      cause: e,
    });
  }
  const canonical = encodeCrushMap(crush);
  return (map, inc) => {
    const problems = crushRuleProblems(crush, map);
    if (problems.length > 0) {
      throw refuse(`${file} cannot replace the CRUSH map of osdmap e${map.epoch}: ${problems.join('; ')}`, 'Give every pool a rule of its type that admits its size, or change the pool first (`monctl osdmap edit set-pool`).');
    }
    if (Buffer.compare(Buffer.from(canonical), Buffer.from(map.crushBytes)) === 0) {
      throw nothingToChange(`${file} is the CRUSH map osdmap e${map.epoch} already has`);
    }
    inc.crush = canonical;
  };
}
