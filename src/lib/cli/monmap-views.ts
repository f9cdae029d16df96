/** `monmap print` of a monmap file or a stored monmap. */
import { dumpMonMap, type MonMapDump } from '../monmap/dump.js';
import { printMonMap, type MonMap } from '../monmap/monmap.js';
import type { View } from './view.js';

/** `file` given: monmaptool's first line names it; else `key` (the store key) heads the text. */
export function monmapPrintView(map: MonMap, from: { file: string } | { key: string }): View<MonMapDump> {
  const text = 'file' in from ? printMonMap(map, from.file).trimEnd() : `monctl: monmap key ${from.key}\n${printMonMap(map).trimEnd()}`;
  return { text: `${text}\n`, json: () => dumpMonMap(map) };
}
