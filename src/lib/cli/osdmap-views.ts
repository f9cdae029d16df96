/** `osdmap print` and `osdmap dump` of one decoded map (the tree: osdmap-tree-view.ts). */
import { dumpOSDMap } from '../osdmap/dump.js';
import type { OSDMap } from '../osdmap/osdmap-types.js';
import { cephJsonText, printOSDMap } from '../osdmap/print.js';
import type { View } from './view.js';

export function osdmapPrintView(map: OSDMap): View<Record<string, unknown>> {
  return { text: printOSDMap(map), json: () => dumpOSDMap(map) };
}

/** Always JSON: one line as osdmaptool prints it; --json gives the same value indented. */
export function osdmapDumpView(map: OSDMap): View<Record<string, unknown>> {
  const dump = dumpOSDMap(map);
  return { text: `${cephJsonText(dump)}\n`, json: () => dump };
}
