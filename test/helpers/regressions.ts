/**
 * Saved minimal failing cases of the live differential tests (test/fixtures/regressions/<name>/),
 * replayed by test/unit/crush/regressions.test.ts without Ceph:
 *  - CRUSH: `crush.bin` (compiled map), `crush.txt` (crushtool -d of it), `cmd.txt`
 *    (`crushtool -i crush.bin --test …`), `expected.txt` (crushtool's stdout);
 *  - OSDMap: `osdmap.bin`, `cmd.txt` (`osdmaptool osdmap.bin [--mark-up-in] [--mark-out N]
 *    --test-map-pg PGID`), `expected.txt` (osdmaptool's stdout).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './ceph.js';

export const REGRESSIONS_DIR = process.env.MONCTL_REGRESSIONS_DIR ?? join(FIXTURES_DIR, 'regressions');

export interface Regression {
  name: string;
  dir: string;
  kind: 'crush' | 'osdmap';
  /** cmd.txt split into words, the tool and the file name first. */
  cmd: string[];
  expected: string;
}

export interface SavedCrushCase {
  bin: Uint8Array;
  text: string;
  args: string[];
  expected: string;
  /** Why it was saved: the seed and what differed. */
  note: string;
}

export function saveCrushRegression(name: string, c: SavedCrushCase, root = REGRESSIONS_DIR): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'crush.bin'), c.bin);
  writeFileSync(join(dir, 'crush.txt'), c.text);
  writeFileSync(join(dir, 'cmd.txt'), `crushtool -i crush.bin ${c.args.join(' ')}\n`);
  writeFileSync(join(dir, 'expected.txt'), c.expected);
  writeFileSync(join(dir, 'NOTE'), `${c.note}\n`);
  return dir;
}

export function saveOsdmapRegression(name: string, c: { bin: Uint8Array; args: string[]; expected: string; note: string }, root = REGRESSIONS_DIR): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'osdmap.bin'), c.bin);
  writeFileSync(join(dir, 'cmd.txt'), `osdmaptool osdmap.bin ${c.args.join(' ')}\n`);
  writeFileSync(join(dir, 'expected.txt'), c.expected);
  writeFileSync(join(dir, 'NOTE'), `${c.note}\n`);
  return dir;
}

export function loadRegressions(root = REGRESSIONS_DIR): Regression[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(root, d.name);
      const cmd = readFileSync(join(dir, 'cmd.txt'), 'utf8').trim().split(/\s+/);
      return { name: d.name, dir, kind: cmd[0] === 'crushtool' ? 'crush' : 'osdmap', cmd, expected: readFileSync(join(dir, 'expected.txt'), 'utf8') } as Regression;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
