/**
 * CRUSH differential fuzz against Reef's (18.2) and Tentacle's (20.2) crushtool: seeded random
 * text maps in each release's grammar (test/helpers/crush-gen.ts with `release`; Tentacle's
 * include msr rules and msr tunables) go through that release's
 *   crushtool -c T -o B        vs  monctl crush compile --release R (bytes, stderr warnings)
 *   crushtool -d B             vs  monctl crush decompile --release R (of crushtool's B)
 *   crushtool -i B --dump      vs  monctl crush dump --release R
 *   crushtool -i B --test …    vs  monctl crush test --release R, two runs per map (x 0..K,
 *                                  --num-rep, sometimes --weight / --pool-id / statistics)
 * One `sh -c` in the chroot runs all of a map's tools (a chroot start costs ~1 s).
 *
 * Replay: CRUSH_RELEASE_SEED=<seed> (printed in the suite names; each map's seed in its test
 * name); CRUSH_RELEASE_MAPS (default 24 per release) and CRUSH_RELEASE_MAX_X (default 1023)
 * scale it; CRUSH_RELEASE_KEEP=1 keeps the files. Masked, as in crush-compile-live: the heap
 * garbage crushtool leaves in cloned tree buckets' unused node weights (compile bytes only).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCrush, crushDumpText, crushTestLines, decodeCrushMap, decompileCrushMap, dumpCrushMap, type CrushTestOptions } from '../../src/lib/crush/index.js';
import { mulberry32 } from '../../src/lib/random.js';
import { maskTreeShadowNodeWeights } from '../helpers/crush-diff.js';
import { randomCrushText, randomTestRun } from '../helpers/crush-gen.js';
import { releaseAvailable, runTool, type Release } from '../helpers/releases.js';

const MAPS = Number(process.env.CRUSH_RELEASE_MAPS ?? 24);
const MAX_X = Number(process.env.CRUSH_RELEASE_MAX_X ?? 1023);
const BASE_SEED = Number(process.env.CRUSH_RELEASE_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const RELEASES: [Release, number][] = [
  ['reef', 18],
  ['tentacle', 20],
];

interface Run {
  args: string[];
  opts: CrushTestOptions;
}

function planRuns(seed: number, devices: number[], release: number): Run[] {
  const rng = mulberry32(seed ^ 0x2545f491);
  return [0, 1].map(() => {
    const run = randomTestRun(rng, devices, MAX_X, 0.5);
    run.opts.release = release;
    if (rng.chance(0.3)) {
      run.args.push('--show-bad-mappings', '--show-utilization');
      run.opts.showBadMappings = true;
      run.opts.showUtilization = true;
    }
    return run;
  });
}

/** Line-by-line comparison; counts mapping lines; the first difference, if any. */
function compareLines(theirs: string, ours: string[], totals: { mappings: number; mismatches: number; msr: number }, msrRules: Set<number>): string | undefined {
  const t = theirs.split('\n');
  if (t[t.length - 1] === '') t.pop();
  let first: string | undefined;
  for (let k = 0; k < Math.max(t.length, ours.length); k++) {
    const line = t[k] ?? ours[k] ?? '';
    const m = /^CRUSH rule (\d+) /.exec(line);
    if (m !== null) {
      totals.mappings++;
      if (msrRules.has(Number(m[1]))) totals.msr++;
    }
    if (t[k] !== ours[k]) {
      if (m !== null) totals.mismatches++;
      first ??= `line ${k}: crushtool ${JSON.stringify(t[k])} monctl ${JSON.stringify(ours[k])}`;
    }
  }
  return first;
}

for (const [release, number] of RELEASES) {
  const available = releaseAvailable(release);
  describe.skipIf(!available)(`${release} crushtool -c/-d/--dump/--test differential (seed ${BASE_SEED}, ${MAPS} maps, x 0..${MAX_X})`, () => {
    const dir = available ? mkdtempSync(join(tmpdir(), `monctl-crush-${release}-`)) : '';
    const totals = { maps: 0, mappings: 0, mismatches: 0, msr: 0, texts: 0 };
    afterAll(() => {
      if (dir !== '' && process.env.CRUSH_RELEASE_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
      console.log(
        `crush ${release} differential: seed ${BASE_SEED}, ${totals.maps} maps (compile, decompile, dump: ${totals.texts} compared), ` +
          `${totals.mappings} mappings compared (${totals.msr} by msr rules), ${totals.mismatches} mismatches`,
      );
    });

    for (let i = 0; i < MAPS; i++) {
      const seed = (BASE_SEED + i) >>> 0;
      const gen = randomCrushText(seed, { release: number });
      it(`map seed ${seed}: ${gen.summary}`, () => {
        const base = join(dir, String(seed));
        writeFileSync(`${base}.txt`, gen.text);
        const runs = planRuns(seed, gen.devices, number);
        const script = [
          `crushtool -c ${base}.txt -o ${base}.bin 2> ${base}.cerr; echo $? > ${base}.crc`,
          `[ -s ${base}.bin ] || exit 0`,
          `crushtool -d ${base}.bin -o ${base}.dec`,
          `crushtool -i ${base}.bin --dump > ${base}.json`,
          ...runs.map((r, k) => `timeout 60 crushtool -i ${base}.bin ${r.args.join(' ')} > ${base}.run${k} 2>/dev/null`),
        ].join('\n');
        const res = runTool(release, 'sh', ['-c', script], { binds: [dir], timeoutMs: 300_000 });
        expect(res.code, res.stderr).toBe(0);
        totals.maps++;

        const warnings: string[] = [];
        let ours: Uint8Array | undefined;
        let refusal: string | undefined;
        try {
          ours = compileCrush(gen.text, 'map.txt', { release: number, warn: (l) => warnings.push(l) }).bytes;
        } catch (e) {
          refusal = (e as Error).message;
        }
        const rc = readFileSync(`${base}.crc`, 'utf8').trim();
        const cerr = readFileSync(`${base}.cerr`, 'utf8');
        expect(refusal === undefined ? '0' : 'refused', `compile: crushtool rc ${rc} (${cerr.trim()}), monctl ${refusal ?? 'ok'}`).toBe(rc === '0' ? '0' : 'refused');
        if (rc !== '0') return;
        expect(cerr).toBe(warnings.map((w) => `${w}\n`).join(''));
        const theirBin = new Uint8Array(readFileSync(`${base}.bin`));
        expect(maskTreeShadowNodeWeights(ours!).equals(maskTreeShadowNodeWeights(theirBin)), 'compiled bytes').toBe(true);

        const map = decodeCrushMap(theirBin);
        expect(decompileCrushMap(map, { release: number })).toBe(readFileSync(`${base}.dec`, 'utf8'));
        expect(`${crushDumpText(dumpCrushMap(map, { release: number }))}\n\n`).toBe(readFileSync(`${base}.json`, 'utf8'));
        totals.texts += 3;

        const msrRules = new Set(map.rules.flatMap((r, id) => (r !== null && r.type >= 4 ? [id] : [])));
        const failures: string[] = [];
        runs.forEach((run, k) => {
          const bad = compareLines(readFileSync(`${base}.run${k}`, 'utf8'), [...crushTestLines(map, run.opts)], totals, msrRules);
          if (bad !== undefined) failures.push(`crushtool -i B ${run.args.join(' ')}: ${bad}`);
        });
        expect(failures, `seed ${seed}`).toEqual([]);
      }, 300_000);
    }

    it('compared thousands of mappings', () => {
      if (MAPS >= 20 && MAX_X >= 1023) expect(totals.mappings).toBeGreaterThanOrEqual(20 * 2 * 1024);
      if (number >= 19 && MAPS >= 20) expect(totals.msr).toBeGreaterThan(0);
      expect(totals.mismatches).toBe(0);
    });
  });
}
