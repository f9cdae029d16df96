/**
 * Seeded differential test of CRUSH placement against the real crushtool: random text maps
 * (test/helpers/crush-gen.ts) are compiled with `crushtool -c`, then every rule is run with
 * `crushtool -i F --test --show-mappings --min-x 0 --max-x K --num-rep N` (sometimes with
 * --weight overrides, --pool-id, --show-bad-mappings and --show-statistics/--show-utilization)
 * and the output compared line for line with monctl's tester on the decoded binary.
 *
 * Replay: CRUSH_MAPPING_SEED=<seed> (the base seed is printed in the suite name and each map's
 * seed in its test name); CRUSH_MAPPING_MAPS and CRUSH_MAPPING_MAX_X scale the run. A run that
 * mismatches is shrunk (test/helpers/shrink.ts: the first mismatching x, one rule, fewer options,
 * other rules and bucket items removed while crushtool and monctl still disagree) and saved as a
 * regression fixture under test/fixtures/regressions/crush-mapping-seed-<seed>-<run>/, which
 * test/unit/crush/regressions.test.ts then replays without Ceph.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crushTestLines, decodeCrushMap, type CrushTestOptions } from '../../src/lib/crush/index.js';
import { mulberry32 } from '../../src/lib/random.js';
import { shrinkAndSaveCrush } from '../helpers/crush-diff.js';
import { randomCrushText, randomTestRun } from '../helpers/crush-gen.js';

const MAPS = Number(process.env.CRUSH_MAPPING_MAPS ?? 40);
const MAX_X = Number(process.env.CRUSH_MAPPING_MAX_X ?? 1023);
const BASE_SEED = Number(process.env.CRUSH_MAPPING_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const MIN_TOTAL = 200_000;
const haveCrushtool = spawnSync('crushtool', ['--help'], { stdio: 'ignore' }).error === undefined;

interface Run {
  args: string[];
  opts: CrushTestOptions;
}

/** Two to three crushtool --test invocations per map, chosen from the map's seed. */
function planRuns(seed: number, devices: number[]): Run[] {
  const rng = mulberry32(seed ^ 0x5bd1e995);
  const runs: Run[] = [];
  const n = rng.int(2, 3);
  for (let k = 0; k < n; k++) {
    const { args, opts } = randomTestRun(rng, devices, MAX_X, 0.4);
    if (rng.chance(0.3)) {
      args.push('--show-bad-mappings');
      opts.showBadMappings = true;
    }
    if (rng.chance(0.3)) {
      args.push('--show-statistics');
      opts.showStatistics = true;
      if (rng.chance(0.5)) {
        args.push('--show-utilization');
        opts.showUtilization = true;
      }
    }
    runs.push({ args, opts });
  }
  return runs;
}

const totals = { mappings: 0, mismatches: 0, otherLines: 0, otherMismatches: 0, maps: 0 };

describe.skipIf(!haveCrushtool)(`crushtool --test mapping differential (seed ${BASE_SEED}, ${MAPS} maps, x 0..${MAX_X})`, () => {
  const dir = haveCrushtool ? mkdtempSync(join(tmpdir(), 'monctl-crush-map-')) : '';
  afterAll(() => {
    if (dir !== '' && process.env.CRUSH_MAPPING_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    if (!haveCrushtool) return;
    console.log(
      `crush mapping differential: seed ${BASE_SEED}, ${totals.maps} maps, ${totals.mappings} mappings compared, ${totals.mismatches} mismatches; ` +
        `${totals.otherLines} statistics/bad-mapping lines, ${totals.otherMismatches} mismatches`,
    );
  });

  for (let i = 0; i < MAPS; i++) {
    const seed = (BASE_SEED + i) >>> 0;
    const gen = randomCrushText(seed);
    it(`map seed ${seed}: ${gen.summary}`, () => {
      const src = join(dir, `${seed}.txt`);
      const bin = join(dir, `${seed}.bin`);
      writeFileSync(src, gen.text);
      execFileSync('crushtool', ['-c', src, '-o', bin], { stdio: ['ignore', 'pipe', 'pipe'] });
      const map = decodeCrushMap(new Uint8Array(readFileSync(bin)));
      totals.maps++;
      const failures: string[] = [];
      for (const [runIndex, run] of planRuns(seed, gen.devices).entries()) {
        const theirs = execFileSync('crushtool', ['-i', bin, ...run.args], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000 }).split('\n');
        if (theirs[theirs.length - 1] === '') theirs.pop();
        const ours = [...crushTestLines(map, run.opts)];
        const n = Math.max(ours.length, theirs.length);
        let firstBad: string | undefined;
        let badLine: string | undefined;
        for (let k = 0; k < n; k++) {
          const t = theirs[k];
          const o = ours[k];
          const mapping = (t ?? o ?? '').startsWith('CRUSH rule');
          if (mapping) totals.mappings++;
          else totals.otherLines++;
          if (t !== o) {
            if (mapping) totals.mismatches++;
            else totals.otherMismatches++;
            firstBad ??= `line ${k}: crushtool ${JSON.stringify(t)} monctl ${JSON.stringify(o)}`;
            badLine ??= t ?? o;
          }
        }
        if (firstBad !== undefined) {
          const saved = shrinkAndSaveCrush(`crush-mapping-seed-${seed}-${runIndex}`, { map, opts: run.opts }, badLine, `crush-mapping-live seed ${seed}, run ${runIndex}: ${firstBad}`);
          failures.push(`crushtool -i F ${run.args.join(' ')}: ${firstBad} (shrunk in ${saved.tries} tries, saved to ${saved.dir})`);
        }
      }
      expect(failures, `seed ${seed}`).toEqual([]);
    });
  }

  it('compared enough mappings', () => {
    if (MAPS >= 40 && MAX_X >= 1023) expect(totals.mappings).toBeGreaterThanOrEqual(MIN_TOTAL);
    expect(totals.mismatches).toBe(0);
  });
});
