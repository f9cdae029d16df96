/**
 * The per-release OSDMap conformance runs (test/conformance/osdmap-releases-*.test.ts): the maps
 * to compare (the fixture maps, every epoch of the Pacific, Reef and Tentacle fixture stores,
 * seeded random variations of the fixture maps), one batched run of a release's osdmaptool over
 * all of them (`--print`, `--tree`, `--dump json`, `--test-map-pgs-dump`, one chroot entry for
 * the lot), and monctl's answers as that release (`--release`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MSR_RULE_TYPES, dumpOSDMap } from '../../src/lib/osdmap/dump.js';
import { decodeOSDMap, encodeOSDMap } from '../../src/lib/osdmap/osdmap.js';
import type { OSDMap } from '../../src/lib/osdmap/osdmap-types.js';
import { pgKey } from '../../src/lib/osdmap/osdmap-codec.js';
import { formatPgsDump, pgsDump } from '../../src/lib/osdmap/pg-stats.js';
import { POOL_OPT_NAMES } from '../../src/lib/osdmap/pool-opts.js';
import { POOL_TYPE } from '../../src/lib/osdmap/pool.js';
import { cephJsonText, printOSDMap } from '../../src/lib/osdmap/print.js';
import { asDecodedBy } from '../../src/lib/osdmap/release-view.js';
import { readOsdmapRange, readFullMapBytes } from '../../src/lib/mon/osd/store.js';
import { printOSDTree } from '../../src/lib/osdmap/tree.js';
import { mulberry32, type Prng } from '../../src/lib/random.js';
import { MonStore } from '../../src/lib/store/index.js';
import { FIXTURES_DIR, extractFixture, type FixtureName } from './ceph.js';
import { runTool, type Release } from './releases.js';

export const RELEASE_NUMBER: Record<Release, number> = { pacific: 16, reef: 18, tentacle: 20 };

export interface MapCase {
  /** Where it comes from, for messages (`reef store epoch 12`, `tentacle-osdmap.bin seed 7 #3: …`). */
  label: string;
  /** The file name in the run's directory. */
  file: string;
  bytes: Uint8Array;
  /** For a fixture store's epoch: which store, which epoch. */
  store?: { fixture: FixtureName; epoch: number };
}

export const VIEWS = ['print', 'tree', 'dump', 'pgs'] as const;
export type View = (typeof VIEWS)[number];
const TOOL_ARGS: Record<View, string> = { print: '--print', tree: '--tree', dump: '--dump json', pgs: '--test-map-pgs-dump' };

/** Every full map of a fixture store, first_committed..last_committed. */
async function storeEpochs(name: FixtureName): Promise<MapCase[]> {
  const dir = extractFixture(name);
  return MonStore.with(dir, {}, async (store) => {
    const { first, last } = await readOsdmapRange(store);
    const out: MapCase[] = [];
    for (let e = Math.max(first, 1); e <= last; e++) {
      const { bytes } = await readFullMapBytes(store, e);
      out.push({ label: `${name} store epoch ${e}`, file: `${name}-e${e}`, bytes, store: { fixture: name, epoch: e } });
    }
    return out;
  });
}

const READ_RATIO = POOL_OPT_NAMES.indexOf('read_ratio');

/**
 * One random variation of a map: what the release-dependent text and placement depend on
 * (read_ratio, primary affinity, pg_upmap_primaries, pg_temp of an EC pool, nonprimary_shards,
 * pool and map flags, allow_crimson, the release fields, OSDs out or down). Returns the changes made.
 */
function vary(m: OSDMap, rnd: Prng): string[] {
  const did: string[] = [];
  const pools = [...m.pools.keys()];
  const osds = [...Array(m.maxOsd).keys()].filter((o) => (m.osdState[o] ?? 0) & 1);
  const steps = rnd.int(1, 4);
  for (let s = 0; s < steps; s++) {
    const id = rnd.pick(pools);
    const p = m.pools.get(id)!;
    switch (rnd.int(0, 9)) {
      case 0: {
        const rr = rnd.pick([0, 1, 7, 33, 50, 70, 99, 100, 101, rnd.int(1, 100)]);
        // read_ratio, or another option a release may not name (pg_num_max, pct_update_delay).
        const key = rnd.pick([READ_RATIO, READ_RATIO, READ_RATIO - 1, READ_RATIO + 1]);
        p.opts.opts = p.opts.opts.filter((o) => o.key !== key).concat({ key, opt: { type: 1, value: BigInt(rr) } });
        p.opts.opts.sort((a, b) => a.key - b.key);
        did.push(`pool ${id} ${POOL_OPT_NAMES[key]} ${rr}`);
        break;
      }
      case 1: {
        const o = rnd.pick(osds);
        const a = rnd.pick([0, 0x8000, 0x10000, rnd.int(0, 0x10000)]);
        m.osdPrimaryAffinity = m.osdPrimaryAffinity ?? Array<number>(m.maxOsd).fill(0x10000);
        m.osdPrimaryAffinity[o] = a;
        did.push(`osd.${o} primary_affinity ${a}`);
        break;
      }
      case 2: {
        const pg = { pool: id, seed: rnd.int(0, p.pgNum - 1) };
        const o = rnd.int(0, m.maxOsd);
        m.pgUpmapPrimaries.set(pgKey(pg), { pg, value: o });
        did.push(`pg_upmap_primary ${id}.${pg.seed.toString(16)} ${o}`);
        break;
      }
      case 3: {
        const pg = { pool: id, seed: rnd.int(0, p.pgNum - 1) };
        const n = Math.min(p.size, osds.length);
        const temp = [...osds].sort(() => rnd.next() - 0.5).slice(0, n);
        m.pgTemp.set(pgKey(pg), { pg, value: temp });
        did.push(`pg_temp ${id}.${pg.seed.toString(16)} [${temp.join(',')}]`);
        break;
      }
      case 4: {
        if (p.type !== POOL_TYPE.ERASURE) break;
        p.flags |= 1n << 19n; // ec_optimizations
        p.nonprimaryShards = [...Array(p.size).keys()].filter((i) => i > 0 && rnd.chance(0.4));
        did.push(`pool ${id} ec_optimizations nonprimary_shards {${p.nonprimaryShards.join(',')}}`);
        break;
      }
      case 5: {
        const bit = rnd.pick([17, 18, 19, 20]);
        p.flags |= 1n << BigInt(bit);
        did.push(`pool ${id} flag bit ${bit}`);
        break;
      }
      case 6:
        m.flags = (m.flags | rnd.pick([0x800000, 0x1000000])) >>> 0; // noautoscale, an unnamed bit
        m.allowCrimson = rnd.chance(0.5);
        did.push(`flags ${m.flags.toString(16)}, allow_crimson ${m.allowCrimson}`);
        break;
      case 7: {
        const r = rnd.int(16, 21);
        m.requireMinCompatClient = r;
        did.push(`require_min_compat_client ${r}`);
        break;
      }
      case 8: {
        const o = rnd.pick(osds);
        m.osdWeight[o] = rnd.chance(0.5) ? 0 : rnd.int(0x4000, 0x10000);
        did.push(`osd.${o} weight ${m.osdWeight[o]}`);
        break;
      }
      default: {
        const o = rnd.pick(osds);
        m.osdState[o] = (m.osdState[o] ?? 0) & ~2; // down
        did.push(`osd.${o} down`);
      }
    }
  }
  return did;
}

/**
 * The maps of one run: the committed fixture maps, every epoch of the Pacific (RocksDB), Reef
 * and Tentacle fixture stores, and `variations` seeded variations of the Reef and Tentacle
 * fixture maps (each writes its changes into its label).
 */
export async function releaseCases(seed: number, variations: number): Promise<MapCase[]> {
  const cases: MapCase[] = [];
  for (const r of ['reef', 'tentacle']) {
    cases.push({ label: `${r}-osdmap.bin`, file: `${r}-fixture`, bytes: readFileSync(join(FIXTURES_DIR, 'maps', `${r}-osdmap.bin`)) });
  }
  for (const name of ['rocksdb', 'reef', 'tentacle'] as const) cases.push(...(await storeEpochs(name)));
  const rnd = mulberry32(seed);
  for (let i = 0; i < variations; i++) {
    const base = rnd.pick(['reef', 'tentacle']);
    const m = decodeOSDMap(readFileSync(join(FIXTURES_DIR, 'maps', `${base}-osdmap.bin`)));
    const did = vary(m, rnd);
    cases.push({ label: `${base}-osdmap.bin seed ${seed} #${i}: ${did.join('; ')}`, file: `var-${i}`, bytes: encodeOSDMap(m) });
  }
  return cases;
}

export interface ToolAnswer {
  code: number;
  out: string;
}

/**
 * Runs `release`'s osdmaptool over every case in `dir` (each view of each map), in one shell
 * inside the release's chroot: the answers by file and view.
 */
export function toolAnswers(release: Release, dir: string, cases: readonly MapCase[]): Map<string, Record<View, ToolAnswer>> {
  for (const c of cases) writeFileSync(join(dir, c.file), c.bytes);
  const script = [
    'cd "$1"; shift',
    'for f in "$@"; do',
    ...VIEWS.map((v) => `  osdmaptool "$f" ${TOOL_ARGS[v]} > "$f.${v}.out" 2> "$f.${v}.err"; echo $? > "$f.${v}.rc"`),
    'done',
  ].join('\n');
  const r = runTool(release, 'sh', ['-c', script, 'sh', dir, ...cases.map((c) => c.file)], { binds: [dir], timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`${release}: the osdmaptool batch failed (${r.code}): ${r.stderr}`);
  const out = new Map<string, Record<View, ToolAnswer>>();
  for (const c of cases) {
    const answers = {} as Record<View, ToolAnswer>;
    for (const v of VIEWS) {
      answers[v] = { code: Number(readFileSync(join(dir, `${c.file}.${v}.rc`), 'utf8').trim()), out: readFileSync(join(dir, `${c.file}.${v}.out`), 'utf8') };
    }
    out.set(c.file, answers);
  }
  return out;
}

/** monctl's answer for a view, as `release` (osdmap print|tree|dump --release, pg dump-map of the map that release decodes). */
export function monctlAnswer(m: OSDMap, release: number, view: View): string {
  switch (view) {
    case 'print':
      return printOSDMap(m, release);
    case 'tree':
      return printOSDTree(m);
    case 'dump':
      return cephJsonText(dumpOSDMap(m, release));
    case 'pgs':
      return formatPgsDump(pgsDump(asDecodedBy(m, release)));
  }
}

/** The ids of pools whose CRUSH rule is an MSR rule (Squid's msr_firstn / msr_indep types). */
export function msrPools(m: OSDMap): Set<number> {
  const out = new Set<number>();
  for (const [id, p] of m.pools) {
    const rule = p.crushRule >= 0 ? m.crush.rules[p.crushRule] : undefined;
    if (rule && MSR_RULE_TYPES.includes(rule.type)) out.add(id);
  }
  return out;
}

/** The `--test-map-pgs-dump` lines (`pool.seed\t[…]\tprimary`) that differ, by pgid. */
export function differingPgLines(theirs: string, ours: string): { pgid: string; theirs: string; ours: string }[] {
  const lines = (t: string) => new Map(t.split('\n').filter((l) => /^\d+\.[0-9a-f]+\t/.test(l)).map((l) => [l.split('\t')[0]!, l] as const));
  const a = lines(theirs);
  const b = lines(ours);
  const out: { pgid: string; theirs: string; ours: string }[] = [];
  for (const pgid of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(pgid) !== b.get(pgid)) out.push({ pgid, theirs: a.get(pgid) ?? '(none)', ours: b.get(pgid) ?? '(none)' });
  }
  return out;
}

/** The lines of the pgs dump outside the per-PG lines (osdmaptool's per-OSD table and summary). */
export function pgSummaryLines(text: string, skipPools: ReadonlySet<number>): string[] {
  return text.split('\n').filter((l) => !/^\d+\.[0-9a-f]+\t/.test(l) && !(skipPools.size > 0 && /^pool \d+ pg_num/.test(l) && skipPools.has(Number(l.split(' ')[1]))));
}
