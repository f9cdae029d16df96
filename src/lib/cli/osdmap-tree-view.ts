/** `osdmap tree` of one decoded map (apart: the CRUSH tree walk is not needed to print). */
import type { CrushTreeJson } from '../crush/tree.js';
import type { OSDMap } from '../osdmap/osdmap-types.js';
import { formatOSDTreeTable, osdTree } from '../osdmap/tree.js';
import type { View } from './view.js';

export function osdmapTreeView(map: OSDMap): View<CrushTreeJson> {
  const tree = osdTree(map);
  return { text: formatOSDTreeTable(tree.rows), json: () => tree.json };
}
