/** `osdmap print` and `osdmap dump` of one decoded map (the tree: osdmap-tree-view.ts). */
import { dumpOSDMap } from '../osdmap/dump.js';
import type { OSDMap } from '../osdmap/osdmap-types.js';
import { cephJsonText, printOSDMap } from '../osdmap/print.js';
import type { View } from './view.js';

/** `release`: the release whose osdmaptool to reproduce (undefined: the map's require_osd_release). */
export function osdmapPrintView(map: OSDMap, release?: number): View<Record<string, unknown>> {
  return { text: printOSDMap(map, release), json: () => dumpOSDMap(map, release) };
}

/** Always JSON: one line as osdmaptool prints it; --json gives the same value indented. */
export function osdmapDumpView(map: OSDMap, release?: number): View<Record<string, unknown>> {
  const dump = dumpOSDMap(map, release);
  return { text: `${cephJsonText(dump)}\n`, json: () => dump };
}
