/**
 * `monctl crush test --show-mappings` vs `crushtool --test --show-mappings` on one big map:
 * 1,000 OSDs in 100 straw2 hosts under a straw2 root (`crushtool --build --num_osds 1000 host
 * straw2 10 root straw2 0`), x 0..999,999, 3 replicas. Both outputs are checked to be identical
 * first; then each tool is timed (wall clock, stdout to a file, median of --runs).
 *
 *   npm run build && node --import tsx bench/crush.ts [--runs 3] [--max-x 999999]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'max-x': { type: 'string', default: '999999' } } });
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
  ceph();
  ours();
  if (sha(join(dir, 'ceph.out')) !== sha(join(dir, 'monctl.out'))) throw new Error('outputs differ');
  const cephMs: number[] = [];
  const oursMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cephMs.push(ceph());
    oursMs.push(ours());
  }
  const c = median(cephMs);
  const m = median(oursMs);
  console.log(`crush test --show-mappings, 1000 osds / 100 hosts, x 0..${MAX_X}, num-rep 3 (outputs identical)`);
  console.log(`  crushtool ${c.toFixed(0)} ms   monctl ${m.toFixed(0)} ms   ratio monctl/crushtool ${(m / c).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
