/** `crush decompile` and `crush dump` of one CRUSH map's bytes. */
import { decodeCrushMap } from '../crush/codec.js';
import { decompileCrushMap } from '../crush/decompile.js';
import { dumpCrushMap, type JsonValue } from '../crush/dump.js';
import { toJson } from '../render/json.js';
import type { View } from './view.js';

/** The text as `crushtool -d`; `out` given: the caller writes the text there and prints nothing. */
export function crushDecompileView(
  source: string,
  bytes: Uint8Array,
  out: string | undefined,
): View<{ crushmap: string; out?: string; text?: string }> & { decompiled: string } {
  const decompiled = decompileCrushMap(decodeCrushMap(bytes));
  if (out !== undefined) return { decompiled, text: undefined, json: () => ({ crushmap: source, out }) };
  return { decompiled, text: decompiled, json: () => ({ crushmap: source, text: decompiled }) };
}

export function crushDumpView(bytes: Uint8Array): View<{ [key: string]: JsonValue }> {
  const dump = dumpCrushMap(decodeCrushMap(bytes));
  // crushtool ends its dump with an empty line.
  return { text: `${toJson(dump)}\n\n`, json: () => dump };
}
