/** Process timing, store snapshots and small statistics for the benchmark. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { snapshotLevelDb } from '../src/lib/store/snapshot.js';

export interface RunResult {
  ms: number;
  /** CPU time (user + system) the command used, where /proc tells it (Linux). */
  cpuMs?: number;
  /** sha256 of stdout, when asked for (stdout is then a pipe, not /dev/null). */
  sha256?: string;
  stdoutBytes?: number;
}

let devNull: number | undefined;

/**
 * Two CPU-time fields of /proc/<pid>/stat summed, in ms at the usual 100 ticks/s: `at` is the
 * index of the first among the fields after the parenthesised command name. Undefined off Linux.
 */
function procCpuMs(pid: number | 'self', at: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[at]) + Number(f[at + 1])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of this process's reaped children so far (cutime + cstime, fields 16 and 17).
 * On a shared machine wall time says how busy the others were; CPU time says what the
 * command itself cost.
 */
const childrenCpuMs = (): number | undefined => procCpuMs('self', 13);

/** CPU time (utime + stime, fields 14 and 15) a live process has used so far; 0 off Linux. */
export const cpuMsOf = (pid: number | 'self'): number => procCpuMs(pid, 11) ?? 0;

/**
 * Runs a command to completion and returns its wall-clock time. stdout goes to /dev/null,
 * or through sha256 with `hash: true`; stderr is kept for the error message only.
 */
export function timeRun(cmd: string, args: string[], opts: { hash?: boolean; cwd?: string } = {}): Promise<RunResult> {
  devNull ??= openSync('/dev/null', 'w');
  const hash = opts.hash ? createHash('sha256') : undefined;
  let stdoutBytes = 0;
  let stderr = '';
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = childrenCpuMs();
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', hash ? 'pipe' : devNull!, 'pipe'] });
    child.stdout?.on('data', (b: Buffer) => {
      hash!.update(b);
      stdoutBytes += b.length;
    });
    child.stderr!.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu1 = childrenCpuMs();
      const cpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
      if (code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}:\n${stderr.trim()}`));
        return;
      }
      resolve({ ms, cpuMs, ...(hash ? { sha256: hash.digest('hex'), stdoutBytes } : {}) });
    });
  });
}

/** The full path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A private copy of a LevelDB store.db for a tool that rewrites MANIFEST/log files even when
 * only reading: monctl's own read-only snapshot (live table files hard-linked, everything
 * else copied, LOCK and LOG* skipped). Returns the snapshot's store dir and a dispose function.
 */
export function snapshotStore(dbDir: string): { dbDir: string; dispose: () => void } {
  const snap = snapshotLevelDb(dbDir);
  return { dbDir: snap.dir, dispose: snap.dispose };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

/**
 * Wall and CPU (user + sys of the child, from /usr/bin/time) of one run, stdout discarded;
 * cpuMs is NaN without /usr/bin/time. CPU time is what to compare on a busy machine.
 */
export function timeWithCpu(cmd: string, args: string[]): { wallMs: number; cpuMs: number } {
  const t0 = process.hrtime.bigint();
  const timed = accessible('/usr/bin/time');
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  const [user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { wallMs, cpuMs: timed ? ((user ?? NaN) + (sys ?? NaN)) * 1000 : NaN };
}

function accessible(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** monctl runs from dist/: refuse a missing build and warn about a stale one. */
export function checkBuild(root: string): void {
  const built = join(root, 'dist', 'commands', 'store', 'list.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  if (newest(join(root, 'src')) > statSync(join(root, 'dist', 'index.js')).mtimeMs) {
    process.stderr.write('warning: src/ is newer than dist/; run `npm run build` to benchmark the current code\n');
  }
}
