/** `osdmap print`, `osdmap tree` and `osdmap dump` of one decoded map. */
import type { CrushTreeJson } from '../crush/tree.js';
import { dumpOSDMap } from '../osdmap/dump.js';
import type { OSDMap } from '../osdmap/osdmap-types.js';
import { cephJsonText, printOSDMap } from '../osdmap/print.js';
import { formatOSDTreeTable, osdTree } from '../osdmap/tree.js';
import type { View } from './view.js';

export function osdmapPrintView(map: OSDMap): View<Record<string, unknown>> {
  return { text: printOSDMap(map), json: () => dumpOSDMap(map) };
}

export function osdmapTreeView(map: OSDMap): View<CrushTreeJson> {
  const tree = osdTree(map);
  return { text: formatOSDTreeTable(tree.rows), json: () => tree.json };
}

/** Always JSON: one line as osdmaptool prints it; --json gives the same value indented. */
export function osdmapDumpView(map: OSDMap): View<Record<string, unknown>> {
  const dump = dumpOSDMap(map);
  return { text: `${cephJsonText(dump)}\n`, json: () => dump };
}
