/**
 * `crush compile` against the live `crushtool -c` (Ceph 16.2):
 *   (a) every CrushWrapper of the corpus, as `crush decompile` writes it, compiles to crushtool's
 *       bytes;
 *   (b) seeded random texts (test/helpers/crush-gen.ts, then rewritten into other spellings
 *       crushtool accepts: no bucket ids, shadow ids from the text, `ruleset`, `hash rjenkins1`,
 *       unnamed rules, explicit `pos`, odd number forms, comments, joined lines, no or more
 *       tunables, other rule sizes, the odd mistake) compile to crushtool's bytes, or both refuse
 *       them;
 *   (c) decompile ∘ compile: crushtool's binary, decompiled by monctl, compiles to the same
 *       bytes with both tools, and back to the original where crushtool round-trips.
 *   (d) token fuzz: generated texts with tokens dropped, doubled, joined or replaced are
 *       refused by both tools or compiled to the same bytes (CRUSH_COMPILE_FUZZ, default 100).
 * Differences Ceph itself makes nondeterministic are masked, each with its reason, from
 * crush-compile-known-failures.json. Replay with CRUSH_COMPILE_SEED=<seed>; CRUSH_COMPILE_MAPS
 * sets the count (default 220); CRUSH_COMPILE_KEEP=1 keeps the texts in the temp dir.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCrushText, decodeCrushMap, decompileCrushMap, encodeCrushMap } from '../../src/lib/crush/index.js';
import { MonctlError } from '../../src/lib/errors.js';
import { mulberry32, type Prng } from '../../src/lib/random.js';
import { corpusAvailable, corpusObjects } from '../helpers/corpus.js';
import { randomCrushText } from '../helpers/crush-gen.js';
import { maskTreeShadowNodeWeights } from '../helpers/crush-diff.js';

const MAPS = Number(process.env.CRUSH_COMPILE_MAPS ?? 220);
const FUZZ = Number(process.env.CRUSH_COMPILE_FUZZ ?? 100);
const BASE_SEED = Number(process.env.CRUSH_COMPILE_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const haveCrushtool = spawnSync('crushtool', ['--help'], { stdio: 'ignore' }).error === undefined;

interface Masked {
  id: string;
  reason: string;
}
const ledger = JSON.parse(readFileSync(new URL('./crush-compile-known-failures.json', import.meta.url), 'utf8')) as { entries: Masked[] };

/** `tree-shadow-node-weights`: see maskTreeShadowNodeWeights (test/helpers/crush-diff.ts). */
function masked(bytes: Uint8Array): Buffer {
  if (!ledger.entries.some((e) => e.id === 'tree-shadow-node-weights')) return Buffer.from(bytes);
  return maskTreeShadowNodeWeights(bytes);
}

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

function ours(text: string): Outcome {
  try {
    return { ok: true, bytes: encodeCrushMap(compileCrushText(text, 'map.txt')) };
  } catch (e) {
    if (!(e instanceof MonctlError)) throw e;
    return { ok: false, message: e.message };
  }
}

function crushtool(dir: string, name: string, text: string): Outcome {
  const src = join(dir, `${name}.txt`);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(src, text);
  const r = spawnSync('crushtool', ['-c', src, '-o', bin], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, message: (r.stderr ?? '').split('\n')[0] ?? '' };
  return { ok: true, bytes: new Uint8Array(readFileSync(bin)) };
}

/** Both refuse, or both give the same (masked) bytes. */
function expectSame(a: Outcome, b: Outcome, what: string): void {
  expect(a.ok, `${what}: monctl ${a.ok ? 'compiled' : `refused (${a.message})`}, crushtool ${b.ok ? 'compiled' : `refused (${b.message})`}`).toBe(b.ok);
  if (a.ok && b.ok) expect(masked(a.bytes).equals(masked(b.bytes)), `${what}: bytes differ`).toBe(true);
}

/** Rewrites generated text into other spellings crushtool accepts (or refuses alike). */
function respell(text: string, rng: Prng): string {
  let t = text;
  const hasArgs = t.includes('choose_args');
  if (rng.chance(0.2)) t = t.replace(/^tunable .*\n/gm, '');
  if (rng.chance(0.25)) {
    const extra = [`tunable allowed_bucket_algs ${rng.pick([0, 22, 54, 62, 255])}`, `tunable straw_calc_version ${rng.int(0, 2)}`, `tunable choose_total_tries ${rng.int(0, 100)}`];
    t = extra.filter(() => rng.chance(0.6)).join('\n') + '\n' + t;
  }
  if (rng.chance(0.3)) t = t.replace(/\tmin_size \d+\n\tmax_size \d+\n/g, () => `\tmin_size ${rng.int(0, 255)}\n\tmax_size ${rng.int(0, 300)}\n`);
  if (!hasArgs && rng.chance(0.35)) t = t.replace(/^\tid -\d+\n/gm, () => (rng.chance(0.6) ? '' : '\tid -0\n'));
  if (rng.chance(0.35)) {
    const classes = [...new Set([...t.matchAll(/ class (\w+)\n/g)].map((m) => m[1]!))];
    let next = -100 - rng.int(0, 50);
    t = t.replace(/^(\t(?:id -\d+)\n)(?=\talg)/gm, (line) => line + classes.filter(() => rng.chance(0.5)).map((c) => `\tid ${next--} class ${c}\n`).join(''));
  }
  if (rng.chance(0.4)) t = t.replace(/\thash 0\n/g, () => (rng.chance(0.5) ? '\thash rjenkins1\n' : rng.chance(0.5) ? '' : '\thash 0\n\thash 0\n'));
  if (rng.chance(0.3)) t = t.replace(/\n\tid (\d+)\n\ttype/g, '\n\truleset $1\n\ttype');
  if (rng.chance(0.2)) t = t.replace(/^rule \S+ \{/gm, (line) => (rng.chance(0.5) ? 'rule {' : line));
  if (rng.chance(0.3)) {
    // One weight spelling per distinct value, so uniform buckets stay uniform.
    const forms = new Map<string, string>();
    t = t.replace(/ weight (\d+\.\d+)/g, (_, w: string) => {
      if (!forms.has(w)) forms.set(w, rng.pick([w, `${Number(w) * 10}e-1`, `${w}${rng.int(0, 99999)}`, w.replace(/^0\./, '.'), `+${w}`]));
      return ` weight ${forms.get(w)!}`;
    });
  }
  if (rng.chance(0.3)) t = addPositions(t, rng);
  if (rng.chance(0.3)) {
    // Join some lines (never one that ends in a comment), end others with a comment.
    t = t
      .split('\n')
      .map((line) => (!line.includes('#') && rng.chance(0.1) ? `${line} \t ` : rng.chance(0.15) ? `${line}  # ${rng.int(0, 9)} notes\n` : `${line}\n`))
      .join('');
  }
  if (rng.chance(0.2)) t = t.replace(/^(device .*\n)+/m, (block) => block.split('\n').filter(Boolean).reverse().join('\n') + '\n');
  // Now and then a mistake both must refuse.
  if (rng.chance(0.06)) {
    const lines = t.split('\n');
    const k = rng.int(0, lines.length - 1);
    lines[k] = rng.pick([lines[k]!.replace(/\}/, ''), lines[k]!.replace(/item (\S+)/, 'item $1x'), `${lines[k]!} bogus`, lines[k]!.replace(/\d+/, '-')]);
    t = lines.join('\n');
  }
  return t;
}

/** One to three token edits: drop, double, glue to the next, change a digit, or replace. */
function fuzzTokens(text: string, rng: Prng): string {
  const toks = text.split(/(\s+)/);
  const edits = rng.int(1, 3);
  for (let k = 0; k < edits; k++) {
    const i = rng.int(0, toks.length - 1);
    const t = toks[i]!;
    toks[i] = rng.pick([
      '',
      t + t,
      ' ',
      t.replace(/\d/, String(rng.int(0, 9))),
      rng.pick(['{', '}', 'id', '-1', 'weight', 'pos', 'class', 'step', '#', '1.5', 'x']),
    ]);
  }
  return toks.join('');
}

/** Explicit `pos` for the items of some buckets, in a shuffled order. */
function addPositions(text: string, rng: Prng): string {
  return text.replace(/\{\n((?:\t(?:id|alg|hash)[^\n]*\n)+)((?:\titem [^\n]*\n)+)\}/g, (whole, head: string, items: string) => {
    if (rng.chance(0.5)) return whole;
    const lines = items.split('\n').filter(Boolean);
    const order = lines.map((_, k) => k).sort(() => rng.next() - 0.5);
    return `{\n${head}${lines.map((l, k) => `${l} pos ${order[k]}\n`).join('')}}`;
  });
}

describe.skipIf(!haveCrushtool)(`crush compile vs crushtool -c (seed ${BASE_SEED}, ${MAPS} texts, ${FUZZ} fuzzed)`, () => {
  const dir = haveCrushtool ? mkdtempSync(join(tmpdir(), 'monctl-crush-compile-')) : '';
  const tally = { compiled: 0, refusedByBoth: 0, recompiled: 0, roundTrips: 0, fuzzCompiled: 0, fuzzRefused: 0, corpus: 0 };
  afterAll(() => {
    console.log(`crush compile vs crushtool (seed ${BASE_SEED}): ${JSON.stringify(tally)}`);
    if (dir !== '' && process.env.CRUSH_COMPILE_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('every masked difference has a reason', () => {
    for (const e of ledger.entries) expect(e.reason.length, e.id).toBeGreaterThan(20);
  });

  for (let i = 0; i < MAPS; i++) {
    const seed = (BASE_SEED + i) >>> 0;
    it(`text seed ${seed}`, () => {
      const text = respell(randomCrushText(seed).text, mulberry32(seed ^ 0x5eed));
      const theirs = crushtool(dir, String(seed), text);
      expectSame(ours(text), theirs, `seed ${seed}`);
      if (!theirs.ok) {
        tally.refusedByBoth++;
        return;
      }
      tally.compiled++;
      // (c) crushtool's binary → monctl decompile → both compilers.
      const again = decompileCrushMap(decodeCrushMap(theirs.bytes));
      const back = crushtool(dir, `${seed}.again`, again);
      const mine = ours(again);
      expectSame(mine, back, `seed ${seed} recompiled`);
      if (back.ok) tally.recompiled++;
      if (mine.ok && back.ok && Buffer.from(back.bytes).equals(Buffer.from(theirs.bytes))) {
        tally.roundTrips++;
        expect(Buffer.from(mine.bytes).equals(Buffer.from(theirs.bytes)), `seed ${seed}: round trip`).toBe(true);
      }
    });
  }

  for (let i = 0; i < FUZZ; i++) {
    const seed = (BASE_SEED + MAPS + i) >>> 0;
    it(`fuzzed text seed ${seed}`, () => {
      const text = fuzzTokens(randomCrushText(seed).text, mulberry32(seed ^ 0xf022));
      const theirs = crushtool(dir, `fuzz-${seed}`, text);
      expectSame(ours(text), theirs, `fuzz seed ${seed}`);
      if (theirs.ok) tally.fuzzCompiled++;
      else tally.fuzzRefused++;
    });
  }

  describe.skipIf(!corpusAvailable)('(a) the corpus, decompiled then compiled', () => {
    for (const o of corpusAvailable ? corpusObjects('CrushWrapper') : []) {
      it(`${o.version}/${o.hash}`, () => {
        let text: string;
        try {
          text = decompileCrushMap(decodeCrushMap(o.bytes));
        } catch (e) {
          // Maps newer than Pacific may be refused by the decoder; the corpus test owns that.
          if (e instanceof MonctlError) return;
          throw e;
        }
        expectSame(ours(text), crushtool(dir, `corpus-${o.hash}`, text), `${o.version}/${o.hash}`);
        tally.corpus++;
      });
    }
  });
});
