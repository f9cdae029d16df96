/**
 * `monctl osdmap print` against `osdmaptool --print` on one 2,000-OSD map
 * (`osdmaptool --createsimple 2000 --with-default-pool`), in one run: the outputs must be
 * identical, then each tool runs --runs times (interleaved, stdout to /dev/null) and the
 * medians of wall time and of CPU time (user + sys, from /usr/bin/time's rusage, of the child)
 * are compared; `node -e 0` is timed the same way, since Node's own start-up bounds the ratio.
 * `monctl` is bin/run.js run through its #! line (which drops NODE_EXTRA_CA_CERTS: monctl makes no
 * TLS connection) on its fast path (no oclif); `monctl (oclif)` the same command with
 * MONCTL_NO_FAST=1, through oclif. Target: monctl ≤ 1.5 × osdmaptool.
 *
 *   npm run bench:startup [-- --runs 11 --osds 2000]
 *
 * Results go to stdout and .bench/startup.json. Needs osdmaptool (ceph-base) and a build (dist/).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, timeWithCpu } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const TARGET_RATIO = 1.5;

function sha(cmd: string, args: string[]): string {
  return createHash('sha256').update(execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] })).digest('hex');
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, osds: { type: 'string' } } });
  const runs = Number(values.runs ?? 11);
  const osds = Number(values.osds ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'monctl-startup-'));
  try {
    const map = join(dir, `osdmap-${osds}`);
    execFileSync('osdmaptool', ['--createsimple', String(osds), '--with-default-pool', '--clobber', map], { stdio: 'ignore' });
    const tools: Record<string, [string, string[]]> = {
      osdmaptool: ['osdmaptool', [map, '--print']],
      // Both monctl rows go through env(1), so they pay the same extra exec.
      // Run as the installed `monctl` runs: bin/run.js through its #! line.
      monctl: ['env', ['-u', 'MONCTL_NO_FAST', CLI, 'osdmap', 'print', '--osdmap', map]],
      'monctl (oclif)': ['env', ['MONCTL_NO_FAST=1', CLI, 'osdmap', 'print', '--osdmap', map]],
      'node -e 0': [process.execPath, ['-e', '0']],
      // What bin/run.js's #! line starts: Node without NODE_EXTRA_CA_CERTS (when it is set,
      // Node parses that certificate file at every start, before any script runs).
      'node -e 0 (#!)': ['env', ['-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0']],
    };
    const reference = sha(...tools.osdmaptool!);
    const identical = sha(...tools.monctl!) === reference && sha(...tools['monctl (oclif)']!) === reference;
    const wall: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    for (const [cmd, args] of Object.values(tools)) timeWithCpu(cmd, args); // warm the page cache
    for (let i = 0; i < runs; i++) {
      for (const [name, [cmd, args]] of Object.entries(tools)) {
        const t = timeWithCpu(cmd, args);
        (wall[name] ??= []).push(t.wallMs);
        (cpu[name] ??= []).push(t.cpuMs);
      }
    }
    const med = (xs: number[] | undefined) => (xs && xs.length > 0 ? median(xs) : NaN);
    const row = (name: string) => ({ wallMs: med(wall[name]), cpuMs: med(cpu[name]) });
    const result = {
      osds,
      runs,
      outputsIdentical: identical,
      osdmaptool: row('osdmaptool'),
      monctl: row('monctl'),
      monctlOclif: row('monctl (oclif)'),
      node: row('node -e 0'),
      nodeShebang: row('node -e 0 (#!)'),
      ratioWall: med(wall.monctl) / med(wall.osdmaptool),
      ratioCpu: med(cpu.monctl) / med(cpu.osdmaptool),
      nodeAloneRatioWall: med(wall['node -e 0']) / med(wall.osdmaptool),
      nodeShebangRatioWall: med(wall['node -e 0 (#!)']) / med(wall.osdmaptool),
      targetRatio: TARGET_RATIO,
    };
    const f = (n: number) => n.toFixed(0).padStart(6);
    console.log(`osdmap print on ${osds} OSDs, median of ${runs} (outputs ${identical ? 'identical' : 'DIFFER'})`);
    console.log('                  wall ms   cpu ms');
    for (const name of Object.keys(tools)) console.log(`${name.padEnd(17)} ${f(med(wall[name]))}   ${f(med(cpu[name]))}`);
    console.log(`monctl / osdmaptool: ${result.ratioWall.toFixed(2)}x wall, ${result.ratioCpu.toFixed(2)}x CPU (target ${TARGET_RATIO}x); node -e 0 alone is ${result.nodeAloneRatioWall.toFixed(2)}x (${result.nodeShebangRatioWall.toFixed(2)}x as bin/run.js's #! starts it)`);
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench', 'startup.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
