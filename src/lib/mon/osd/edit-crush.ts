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
import { runCommands } from './edit-ops.js';
import type { OsdmapEdit } from './edit-plan.js';

export { crushRuleProblems } from './command-crush.js';

/**
 * The edit for a compiled CRUSH map: `ceph osd setcrushmap` through decide(). The incremental
 * carries the map as monctl re-encodes it, which is what a monitor stores in the full map
 * (CrushWrapper::encode), so every peer that applies the incremental gets the same full map and CRC.
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
  return runCommands([{ op: 'osd-setcrushmap', crush: encodeCrushMap(crush), file }]);
}
