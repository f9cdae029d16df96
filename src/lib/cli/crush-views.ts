/** `crush decompile` and `crush dump` of one CRUSH map's bytes, as the release's crushtool prints them. */
import { decodeCrushMap } from '../crush/codec.js';
import { decompileCrushMap } from '../crush/decompile.js';
import { crushDumpText, dumpCrushMap, type JsonValue } from '../crush/dump.js';
import { crushCommandRelease } from '../crush/release.js';
import type { View } from './view.js';

/**
 * The text as `crushtool -d`; `out` given: the caller writes the text there and prints nothing.
 * `release`: the one named, else the map's (crushCommandRelease) or `inputRelease`'s.
 */
export function crushDecompileView(
  source: string,
  bytes: Uint8Array,
  out: string | undefined,
  release?: number,
  inputRelease?: number,
): View<{ crushmap: string; out?: string; text?: string }> & { decompiled: string } {
  const map = decodeCrushMap(bytes);
  const decompiled = decompileCrushMap(map, { release: crushCommandRelease(map, release, inputRelease) });
  if (out !== undefined) return { decompiled, text: undefined, json: () => ({ crushmap: source, out }) };
  return { decompiled, text: decompiled, json: () => ({ crushmap: source, text: decompiled }) };
}

export function crushDumpView(bytes: Uint8Array, release?: number, inputRelease?: number): View<{ [key: string]: JsonValue }> {
  const map = decodeCrushMap(bytes);
  const dump = dumpCrushMap(map, { release: crushCommandRelease(map, release, inputRelease) });
  // crushtool ends its dump with an empty line.
  return { text: `${crushDumpText(dump)}\n\n`, json: () => dump };
}

/**
 * `crush test`'s progress line on a terminal (stderr): rewritten in place at most every 200 ms,
 * erased at the end so that nothing of it stays in the terminal.
 */
export function progressLine(tty: { write(s: string): unknown }, now: () => number) {
  let last = 0;
  let shown = false;
  return {
    update: (p: { rule: number; numRep: number; x: number; minX: number; maxX: number }): void => {
      const t = now();
      if (t - last < 200) return;
      last = t;
      const done = p.x - p.minX + 1;
      const total = p.maxX - p.minX + 1;
      tty.write(`\r\x1b[Kcrush test: rule ${p.rule} num_rep ${p.numRep}: x ${p.x} (${Math.floor((done * 100) / total)}% of ${p.minX}..${p.maxX})`);
      shown = true;
    },
    clear: (): void => {
      if (shown) tty.write('\r\x1b[K');
      shown = false;
    },
  };
}
