/**
 * `monctl crush test --show-mappings` vs `crushtool --test --show-mappings` on one big map:
 * 1,000 OSDs in 100 straw2 hosts under a straw2 root (`crushtool --build --num_osds 1000 host
 * straw2 10 root straw2 0`), x 0..999,999, 3 replicas. Both outputs are checked to be identical
 * first; then each tool is timed (wall clock, stdout to a file, median of --runs).
 *
 * --msr adds an msr rule (`type msr_indep; take root; choosemsr 3 type host; choosemsr 2 type
 * osd`) to the same map and times it against Tentacle's crushtool (its chroot, made by
 * scripts/ceph-oracles.sh; the chroot start, about a second, is counted on crushtool's side).
 *
 *   npm run build && node --import tsx bench/crush.ts [--runs 3] [--max-x 999999] [--msr]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, 'max-x': { type: 'string', default: '999999' }, msr: { type: 'boolean', default: false } },
});
const ORACLES = join(ROOT, 'scripts', 'ceph-oracles.sh');
const RUNS = Number(values.runs);
const MAX_X = values['max-x']!;

function timed(cmd: string, args: string[], outFile: string): number {
  const fd = openSync(outFile, 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', fd, 'inherit'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return ms;
}

/** Runs both once (outputs must be identical), then --runs times each; prints the medians. */
function report(what: string, ceph: () => number, ours: () => number, dir: string): void {
  ceph();
  ours();
  if (sha(join(dir, 'ceph.out')) !== sha(join(dir, 'monctl.out'))) throw new Error(`${what}: outputs differ`);
  const cephMs: number[] = [];
  const oursMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cephMs.push(ceph());
    oursMs.push(ours());
  }
  const c = median(cephMs);
  const m = median(oursMs);
  console.log(`${what} (outputs identical)`);
  console.log(`  crushtool ${c.toFixed(0)} ms   monctl ${m.toFixed(0)} ms   ratio monctl/crushtool ${(m / c).toFixed(2)}`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

const dir = mkdtempSync(join(tmpdir(), 'monctl-bench-crush-'));
try {
  const map = join(dir, 'map.bin');
  const build = spawnSync('crushtool', ['--outfn', map, '--build', '--num_osds', '1000', 'host', 'straw2', '10', 'root', 'straw2', '0'], { stdio: 'ignore' });
  if (build.status !== 0) throw new Error('crushtool --build failed (is crushtool installed?)');
  const test = ['--test', '--show-mappings', '--rule', '0', '--num-rep', '3', '--min-x', '0', '--max-x', MAX_X];
  const ceph = (): number => timed('crushtool', ['-i', map, ...test], join(dir, 'ceph.out'));
  const ours = (): number => timed(process.execPath, [CLI, 'crush', 'test', '-i', map, ...test.slice(1)], join(dir, 'monctl.out'));
  report(`crush test --show-mappings, 1000 osds / 100 hosts, x 0..${MAX_X}, num-rep 3`, ceph, ours, dir);
  if (values.msr) {
    // The same map with an msr rule, compiled by Tentacle's crushtool.
    const text = spawnSync(process.execPath, [CLI, 'crush', 'decompile', '-i', map, '--release', 'tentacle'], { encoding: 'utf8' }).stdout;
    const msrText = text.replace('# end crush map', 'rule msr {\n\tid 1\n\ttype msr_indep\n\tstep take root\n\tstep choosemsr 3 type host\n\tstep choosemsr 2 type osd\n\tstep emit\n}\n\n# end crush map');
    writeFileSync(join(dir, 'msr.txt'), msrText);
    const msrMap = join(dir, 'msr.bin');
    const oracle = (args: string[], out?: string): number =>
      timed('bash', [ORACLES, 'exec', 'tentacle', '--bind', dir, '--', 'crushtool', ...args], out ?? join(dir, 'oracle.out'));
    oracle(['-c', join(dir, 'msr.txt'), '-o', msrMap]);
    const msrTest = ['--test', '--show-mappings', '--rule', '1', '--num-rep', '6', '--min-x', '0', '--max-x', MAX_X];
    const cephMsr = (): number => oracle(['-i', msrMap, ...msrTest], join(dir, 'ceph.out'));
    const oursMsr = (): number => timed(process.execPath, [CLI, 'crush', 'test', '-i', msrMap, ...msrTest.slice(1)], join(dir, 'monctl.out'));
    report(`msr rule (msr_indep, choosemsr 3 host, choosemsr 2 osd) vs Tentacle's crushtool, x 0..${MAX_X}, num-rep 6`, cephMsr, oursMsr, dir);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
