/**
 * Seeded differential test against the real crushtool: random CRUSH text maps are compiled with
 * `crushtool -c`; for each binary, our decode → encode must give the same bytes, our dump must
 * equal `crushtool -i F --dump` and our decompile must equal `crushtool -d F`.
 *
 * Replay a failure with CRUSH_LIVE_SEED=<seed printed in the test name>.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCrushMap, decompileCrushMap, dumpCrushMap, encodeCrushMap } from '../../src/lib/crush/index.js';
import { mulberry32, type Prng } from '../../src/lib/random.js';
import { chooseArgsBlock } from '../helpers/crush-gen.js';

const MAPS = Number(process.env.CRUSH_LIVE_MAPS ?? 60);
const BASE_SEED = Number(process.env.CRUSH_LIVE_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const haveCrushtool = spawnSync('crushtool', ['--help'], { stdio: 'ignore' }).error === undefined;

const prng = mulberry32;
type Rng = Prng;

const PROFILES: Record<string, [string, number][]> = {
  argonaut: [],
  bobtail: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1]],
  firefly: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1], ['chooseleaf_vary_r', 1]],
  hammer: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1], ['chooseleaf_vary_r', 1], ['allowed_bucket_algs', 54]],
  jewel: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1], ['chooseleaf_vary_r', 1], ['chooseleaf_stable', 1], ['allowed_bucket_algs', 54]],
};

function tunables(rng: Rng): string {
  const lines = new Map<string, number>(PROFILES[rng.pick(Object.keys(PROFILES))]!);
  if (rng.chance(0.5)) lines.set('straw_calc_version', rng.int(0, 1));
  if (rng.chance(0.3)) {
    const [name, lo, hi] = rng.pick([
      ['choose_local_tries', 0, 3],
      ['choose_local_fallback_tries', 0, 6],
      ['choose_total_tries', 1, 100],
      ['chooseleaf_descend_once', 0, 1],
      ['chooseleaf_vary_r', 0, 1],
      ['chooseleaf_stable', 0, 1],
      ['allowed_bucket_algs', 22, 62],
    ] as const);
    lines.set(name, name === 'allowed_bucket_algs' ? rng.pick([22, 54, 62]) : rng.int(lo, hi));
  }
  return [...lines].map(([k, v]) => `tunable ${k} ${v}\n`).join('');
}

const weight = (rng: Rng): string => (rng.chance(0.15) ? '0.000' : (rng.int(1, 5000) / 1000).toFixed(3));

/** One random map: devices, 1–3 bucket levels, rules, sometimes choose_args. */
function randomCrushText(seed: number): string {
  const rng = prng(seed);
  const classes = ['ssd', 'hdd', 'nvme'].slice(0, rng.int(0, 3));
  const out: string[] = ['# begin crush map\n', tunables(rng), '\n# devices\n'];
  const devices: string[] = [];
  const usedClasses = new Set<string>();
  let id = 0;
  const ndev = rng.int(1, 14);
  for (let i = 0; i < ndev; i++) {
    if (rng.chance(0.15)) id++; // a gap in device ids
    const cls = classes.length > 0 && rng.chance(0.8) ? rng.pick(classes) : undefined;
    if (cls !== undefined) usedClasses.add(cls);
    out.push(`device ${id} osd.${id}${cls === undefined ? '' : ` class ${cls}`}\n`);
    devices.push(`osd.${id}`);
    id++;
  }
  const depth = rng.int(1, 3);
  const typeNames = ['host', 'rack', 'root'].slice(3 - depth);
  out.push('\n# types\ntype 0 osd\n');
  typeNames.forEach((t, i) => out.push(`type ${i + 1 + (i > 0 && rng.chance(0.2) ? 5 : 0)} ${t}\n`));
  out.push('\n# buckets\n');

  let children = devices;
  let bucketId = -1;
  let uniform = false;
  const buckets: { name: string; size: number }[] = [];
  for (let level = 0; level < depth; level++) {
    const type = typeNames[level]!;
    const count = level === depth - 1 ? 1 : Math.max(1, Math.min(children.length, rng.int(1, 4)));
    const groups: string[][] = Array.from({ length: count }, () => []);
    children.forEach((c, i) => groups[i < count ? i : rng.int(0, count - 1)]!.push(c));
    const names: string[] = [];
    groups.forEach((items, g) => {
      const name = level === depth - 1 ? 'default' : `${type}${g}`;
      const leaf = level === 0;
      const alg = rng.pick(leaf ? ['straw2', 'straw', 'tree', 'list', 'uniform'] : ['straw2', 'straw', 'tree', 'list']);
      // crushtool cannot build a uniform bucket of weight 0
      const same = (rng.int(1, 5000) / 1000).toFixed(3);
      if (alg === 'uniform') uniform = true;
      out.push(`${type} ${name} {\n\tid ${bucketId--}\n\talg ${alg}\n\thash 0\n`);
      for (const item of items) {
        const w = leaf ? ` weight ${alg === 'uniform' ? same : weight(rng)}` : '';
        out.push(`\titem ${item}${w}\n`);
      }
      out.push('}\n');
      names.push(name);
      buckets.push({ name, size: items.length });
    });
    children = names;
  }

  out.push('\n# rules\n');
  const leafType = typeNames[0]!;
  // crushtool fails to build class shadow trees through uniform buckets of mixed classes
  const takes = ['default', ...(uniform ? [] : [...usedClasses].map((c) => `default class ${c}`))];
  let ruleId = 0;
  const rule = (name: string, type: string, min: number, max: number, steps: string[]) => {
    out.push(`rule ${name} {\n\tid ${ruleId}\n\ttype ${type}\n\tmin_size ${min}\n\tmax_size ${max}\n`);
    for (const s of steps) out.push(`\tstep ${s}\n`);
    out.push('}\n');
    ruleId += rng.chance(0.2) ? 2 : 1;
  };
  const extra = (): string[] =>
    [rng.chance(0.2) ? `set_chooseleaf_vary_r ${rng.int(0, 1)}` : '', rng.chance(0.2) ? `set_chooseleaf_stable ${rng.int(0, 1)}` : ''].filter(
      (s) => s !== '',
    );
  rule('replicated_rule', 'replicated', 1, 10, [...extra(), `take ${rng.pick(takes)}`, `chooseleaf firstn 0 type ${leafType}`, 'emit']);
  rule('ec_rule', 'erasure', 3, rng.int(3, 20), [
    'set_chooseleaf_tries 5',
    'set_choose_tries 100',
    `take ${rng.pick(takes)}`,
    `chooseleaf indep ${rng.pick([0, 0, -1, 2])} type ${leafType}`,
    'emit',
  ]);
  if (rng.chance(0.5)) {
    rule('choose_rule', 'replicated', 1, rng.int(1, 10), [`take default`, `choose firstn ${rng.int(0, 3)} type ${rng.pick(typeNames)}`, 'emit']);
  }
  if (depth >= 2 && rng.chance(0.5)) {
    rule('two_step', 'replicated', 1, 10, [`take default`, `choose firstn 2 type ${typeNames[1]}`, `chooseleaf firstn 1 type ${leafType}`, 'emit']);
  }
  if (rng.chance(0.35)) out.push(chooseArgs(rng, buckets));
  out.push('\n# end crush map\n');
  return out.join('');
}

function chooseArgs(rng: Rng, buckets: { name: string; size: number }[]): string {
  const out: string[] = ['\n# choose_args\n'];
  const keys = rng.chance(0.5) ? ['18446744073709551615'] : [];
  if (keys.length === 0 || rng.chance(0.5)) keys.push(String(rng.int(0, 9)));
  const ids = buckets.map((b, i) => ({ id: -1 - i, size: b.size }));
  for (const key of keys) out.push(chooseArgsBlock(rng, key, ids, weight));
  return out.join('');
}

describe.skipIf(!haveCrushtool)(`crushtool differential (seed ${BASE_SEED}, ${MAPS} maps)`, () => {
  const dir = haveCrushtool ? mkdtempSync(join(tmpdir(), 'monctl-crush-live-')) : '';
  afterAll(() => {
    // CRUSH_LIVE_KEEP=1 keeps the generated maps for inspection.
    if (dir !== '' && process.env.CRUSH_LIVE_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  for (let i = 0; i < MAPS; i++) {
    const seed = (BASE_SEED + i) >>> 0;
    it(`map seed ${seed}`, () => {
      const text = randomCrushText(seed);
      const src = join(dir, `${seed}.txt`);
      const bin = join(dir, `${seed}.bin`);
      writeFileSync(src, text);
      execFileSync('crushtool', ['-c', src, '-o', bin], { stdio: ['ignore', 'pipe', 'pipe'] });
      const bytes = new Uint8Array(readFileSync(bin));
      const map = decodeCrushMap(bytes);
      expect(Buffer.from(encodeCrushMap(map)).equals(Buffer.from(bytes)), `round trip, seed ${seed}`).toBe(true);
      const dump = JSON.parse(execFileSync('crushtool', ['-i', bin, '--dump'], { encoding: 'utf8' })) as unknown;
      expect(JSON.parse(JSON.stringify(dumpCrushMap(map))), `dump, seed ${seed}`).toEqual(dump);
      const txt = join(dir, `${seed}.out.txt`);
      execFileSync('crushtool', ['-d', bin, '-o', txt], { stdio: ['ignore', 'pipe', 'pipe'] });
      expect(decompileCrushMap(map), `decompile, seed ${seed}`).toBe(readFileSync(txt, 'utf8'));
    });
  }
});
