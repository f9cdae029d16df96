/**
 * Replays every saved regression of the live differential tests (test/fixtures/regressions/, see
 * test/helpers/regressions.ts) against the crushtool / osdmaptool output saved with it. No Ceph
 * needed: the expected output is committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crushTestText, decodeCrushMap } from '../../../src/lib/crush/index.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/index.js';
import { pgToUpActing } from '../../../src/lib/osdmap/placement.js';
import { formatPg, parsePg } from '../../../src/lib/osdmap/pg.js';
import { applyEdits, type Edits } from '../../helpers/osdmap-edits.js';
import { loadRegressions, type Regression } from '../../helpers/regressions.js';
import { crushtoolOptions } from '../../helpers/shrink.js';

const vec = (v: readonly number[]): string => `[${v.join(',')}]`;

function replayCrush(r: Regression): string {
  expect(r.cmd.slice(0, 3)).toEqual(['crushtool', '-i', 'crush.bin']);
  const map = decodeCrushMap(new Uint8Array(readFileSync(join(r.dir, 'crush.bin'))));
  return crushTestText(map, crushtoolOptions(r.cmd.slice(3)));
}

/** `osdmaptool osdmap.bin [--mark-up-in] [--mark-out N] --test-map-pg PGID`. */
function replayOsdmap(r: Regression): string {
  expect(r.cmd.slice(0, 2)).toEqual(['osdmaptool', 'osdmap.bin']);
  const e: Edits = { upIn: false };
  let pgText = '';
  for (let i = 2; i < r.cmd.length; i++) {
    const a = r.cmd[i]!;
    if (a === '--mark-up-in') e.upIn = true;
    else if (a === '--mark-out') e.out = Number(r.cmd[++i]);
    else if (a === '--test-map-pg') pgText = r.cmd[++i]!;
    else throw new Error(`unknown argument ${a} in ${r.name}/cmd.txt`);
  }
  const m = applyEdits(decodeOSDMap(readFileSync(join(r.dir, 'osdmap.bin'))), e);
  const pg = parsePg(pgText);
  const p = pgToUpActing(m, pg);
  const id = formatPg(pg);
  return ` parsed '${pgText}' -> ${id}\n${id} raw (${vec(p.raw)}, p${p.rawPrimary}) up (${vec(p.up)}, p${p.upPrimary}) acting (${vec(p.acting)}, p${p.actingPrimary})\n`;
}

const regressions = loadRegressions();

describe('saved regressions of the live differential tests', () => {
  it('there are saved cases of both kinds', () => {
    expect(regressions.some((r) => r.kind === 'crush')).toBe(true);
    expect(regressions.some((r) => r.kind === 'osdmap')).toBe(true);
  });

  it.each(regressions.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    const ours = r.kind === 'crush' ? replayCrush(r) : replayOsdmap(r);
    expect(ours).toBe(r.expected);
  });
});
