/**
 * `monctl pg dump-map` vs `osdmaptool --test-map-pgs-dump` (and, with --crush, `monctl crush test`
 * vs `crushtool --test`) on the map: 1,000 OSDs in 100 straw2 hosts under a straw2 root
 * (`crushtool --build --num_osds 1000 host straw2 10 root straw2 0`) imported into
 * `osdmaptool --createsimple 1000 --with-default-pool --pg_bits B` (pool rbd, 1000·2^B PGs: B=8 is
 * 256,000, B=5 is 32,000). Two states of that map:
 *  - `created`: as --createsimple leaves it, every OSD out, so every PG exhausts CRUSH's retries
 *    (the slow case the first figures were taken on);
 *  - `up-in`: every OSD up and in (`--mark-up-in --adjust-crush-weight 0:1 --save`).
 * Each tool's stdout is hashed; the hashes must be equal before any time is reported. Times are
 * wall clock, median of --runs, the tools alternating.
 *
 *   npm run build && node --import tsx bench/placement.ts [--pg-bits 5] [--runs 3] [--state up-in|created|both]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, timeRun } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const { values } = parseArgs({
  options: {
    'pg-bits': { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
    state: { type: 'string', default: 'both' },
  },
});
const BITS = Number(values['pg-bits']);
const RUNS = Number(values.runs);
const STATES = values.state === 'both' ? ['up-in', 'created'] : [values.state!];

function must(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr ?? r.error}`);
}

/** The maps are kept between runs (building the 256,000-PG one takes a while). */
function buildMaps(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const crush = join(dir, 'crush-1000');
  const created = join(dir, `created-b${BITS}.osdmap`);
  const upIn = join(dir, `up-in-b${BITS}.osdmap`);
  if (!existsSync(crush)) must('crushtool', ['--outfn', crush, '--build', '--num_osds', '1000', 'host', 'straw2', '10', 'root', 'straw2', '0']);
  if (!existsSync(created)) {
    must('osdmaptool', ['--createsimple', '1000', '--with-default-pool', '--pg_bits', String(BITS), '--pgp_bits', String(BITS), '--clobber', created]);
    must('osdmaptool', [created, '--import-crush', crush]);
  }
  if (!existsSync(upIn)) {
    must('cp', [created, upIn]);
    must('osdmaptool', [upIn, '--mark-up-in', '--adjust-crush-weight', '0:1', '--save']);
  }
  return { created, 'up-in': upIn, crush };
}

async function compare(label: string, ceph: [string, string[]], ours: string[]): Promise<void> {
  const c0 = await timeRun(ceph[0], ceph[1], { hash: true });
  const m0 = await timeRun(process.execPath, [CLI, ...ours], { hash: true });
  if (c0.sha256 !== m0.sha256) throw new Error(`${label}: outputs differ (${c0.stdoutBytes} vs ${m0.stdoutBytes} bytes)`);
  const cephMs = [c0.ms];
  const oursMs = [m0.ms];
  for (let i = 1; i < RUNS; i++) {
    cephMs.push((await timeRun(ceph[0], ceph[1])).ms);
    oursMs.push((await timeRun(process.execPath, [CLI, ...ours])).ms);
  }
  const c = median(cephMs);
  const m = median(oursMs);
  console.log(`${label} (outputs identical, ${c0.stdoutBytes} bytes)`);
  console.log(`  ${ceph[0]} ${c.toFixed(0)} ms [${cephMs.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  monctl ${m.toFixed(0)} ms [${oursMs.map((x) => x.toFixed(0)).join(', ')}]   ratio monctl/${ceph[0]} ${(m / c).toFixed(2)}`);
}

const dir = join(tmpdir(), 'monctl-bench-placement');
const maps = buildMaps(dir);
for (const state of STATES) {
  const f = maps[state]!;
  await compare(`pg dump-map, ${1000 << BITS} PGs, 1000 osds / 100 hosts, ${state}`, ['osdmaptool', [f, '--test-map-pgs-dump']], ['pg', 'dump-map', '--osdmap', f]);
}
