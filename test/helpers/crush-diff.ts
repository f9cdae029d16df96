/**
 * monctl's `crush test` against the real crushtool on one case, and the shrink-and-save step the
 * live differential tests run when they disagree (test/helpers/shrink.ts, regressions.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCrushMap, encodeCrushMap, crushTestLines, type CrushMap, type CrushTestOptions } from '../../src/lib/crush/index.js';
import { saveCrushRegression } from './regressions.js';
import { crushtoolArgs, firstDifference, shrinkCrushCase, type CrushCase, type ShrinkResult } from './shrink.js';

/** The implementation under test: monctl's tester, or (in the shrinker's own tests) a broken one. */
export type TesterLines = (map: CrushMap, opts: CrushTestOptions) => string[];
export const monctlLines: TesterLines = (map, opts) => [...crushTestLines(map, opts)];

export function crushtoolLines(bin: string, args: readonly string[]): string[] {
  const out = execFileSync('crushtool', ['-i', bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000 }).split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** Encodes the case's map to a file crushtool reads; monctl runs on the same bytes, decoded. */
function runBoth(dir: string, c: CrushCase, ours: TesterLines): { bin: Uint8Array; theirs: string[]; ours: string[] } {
  const bin = encodeCrushMap(c.map);
  const file = join(dir, 'case.bin');
  writeFileSync(file, bin);
  return { bin, theirs: crushtoolLines(file, crushtoolArgs(c.opts)), ours: ours(decodeCrushMap(bin), c.opts) };
}

export interface SavedShrink extends ShrinkResult {
  dir: string;
  expected: string;
}

/**
 * Shrinks a case crushtool and `ours` disagree on, and saves the minimal one as a regression
 * fixture `name` (crushtool -d text, the binary, the command and crushtool's output).
 */
export function shrinkAndSaveCrush(name: string, c: CrushCase, firstBadLine: string | undefined, note: string, ours: TesterLines = monctlLines, root?: string): SavedShrink {
  const dir = mkdtempSync(join(tmpdir(), 'monctl-shrink-'));
  try {
    const fails = (k: CrushCase): boolean => {
      try {
        const r = runBoth(dir, k, ours);
        return firstDifference(r.theirs, r.ours) >= 0;
      } catch {
        return false; // a candidate crushtool rejects is not a smaller failing case
      }
    };
    const shrunk = shrinkCrushCase(c, fails, firstBadLine);
    const r = runBoth(dir, shrunk.case, ours);
    const file = join(dir, 'final.bin');
    writeFileSync(file, r.bin);
    const text = execFileSync('crushtool', ['-d', file], { encoding: 'utf8' });
    const expected = r.theirs.map((l) => `${l}\n`).join('');
    const saved = saveCrushRegression(name, { bin: r.bin, text, args: crushtoolArgs(shrunk.case.opts), expected, note: `${note}\nshrink steps: ${shrunk.steps.join('; ')}` }, root);
    return { ...shrunk, dir: saved, expected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The bytes of a CRUSH map with the node weights of device-class shadow copies of tree buckets
 * zeroed: crushtool grows a cloned tree bucket's node_weights with realloc and never clears the
 * new slots, so those words are heap garbage that changes from run to run (the ledger entry
 * `tree-shadow-node-weights` of test/conformance/crush-compile-known-failures.json).
 */
export function maskTreeShadowNodeWeights(bytes: Uint8Array): Buffer {
  const map: CrushMap = decodeCrushMap(bytes);
  for (const b of map.buckets) {
    if (b !== null && b.alg === 3 && (map.nameMap.get(b.id) ?? '').includes('~')) b.nodeWeights = b.nodeWeights.map(() => 0);
  }
  return Buffer.from(encodeCrushMap(map));
}
