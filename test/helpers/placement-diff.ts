/**
 * Shrinking a placement mismatch (an `osdmaptool --test-map-pgs-dump[-all]` line that differs) to
 * the first PG that differs, saved as a regression fixture: the map file, the edits, and what
 * `osdmaptool MAP [edits] --test-map-pg PGID` prints (test/helpers/regressions.ts). Shrinking the
 * OSDMap itself is not attempted: one PG of a map is already a one-line case.
 */
import { readFileSync } from 'node:fs';
import { quietToolConf, runTool } from './ceph.js';
import { editArgs, type Edits } from './osdmap-edits.js';
import { saveOsdmapRegression } from './regressions.js';

/** The pg id of the first PG line where two dump outputs differ, or undefined. */
export function firstPgMismatch(theirs: readonly string[], ours: readonly string[]): string | undefined {
  const n = Math.max(theirs.length, ours.length);
  for (let i = 0; i < n; i++) {
    if (theirs[i] === ours[i]) continue;
    const m = /^(\d+\.[0-9a-f]+)[\t ]/.exec(theirs[i] ?? ours[i] ?? '');
    if (m) return m[1];
  }
  return undefined;
}

/** osdmaptool's stdout without the lines its state edits print. */
export function osdmaptoolStdout(args: string[]): string {
  const r = runTool('osdmaptool', [`--conf=${quietToolConf()}`, ...args]);
  if (r.code !== 0) throw new Error(`osdmaptool ${args.join(' ')} failed (code ${r.code}):\n${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('marking '))
    .join('\n');
}

export function savePgRegression(name: string, file: string, e: Edits, pgid: string, note: string, root?: string): { dir: string; expected: string } {
  const args = [...editArgs(e), '--test-map-pg', pgid];
  const expected = osdmaptoolStdout([file, ...args]);
  const dir = saveOsdmapRegression(name, { bin: readFileSync(file), args, expected, note }, root);
  return { dir, expected };
}
