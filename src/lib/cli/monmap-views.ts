/** `monmap print` of a monmap file or a stored monmap. */
import { dumpMonMap, type MonMapDump } from '../monmap/dump.js';
import { printMonMap, type MonMap } from '../monmap/monmap.js';
import type { View } from './view.js';

/**
 * `file` given: monmaptool's first line names it; else `key` (the store key) heads the text.
 * `release`: whose monmaptool to reproduce (undefined: the map's min_mon_release).
 */
export function monmapPrintView(map: MonMap, from: { file: string } | { key: string }, release?: number): View<MonMapDump> {
  const text = 'file' in from ? printMonMap(map, from.file, release).trimEnd() : `monctl: monmap key ${from.key}\n${printMonMap(map, undefined, release).trimEnd()}`;
  return { text: `${text}\n`, json: () => dumpMonMap(map, release) };
}
