/** Process timing, store snapshots and small statistics for the benchmark. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, copyFileSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunResult {
  ms: number;
  /** sha256 of stdout, when asked for (stdout is then a pipe, not /dev/null). */
  sha256?: string;
  stdoutBytes?: number;
}

let devNull: number | undefined;

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
      if (code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}:\n${stderr.trim()}`));
        return;
      }
      resolve(hash ? { ms, sha256: hash.digest('hex'), stdoutBytes } : { ms });
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
 * A private copy of a mon data dir for a tool that rewrites MANIFEST/log files even when
 * only reading: table files (*.ldb, *.sst) are hard-linked, everything else copied, LOCK
 * and LOG* skipped. Returns the snapshot's store.db and a dispose function.
 */
export function snapshotStore(dbDir: string): { dbDir: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'monctl-bench-snap-'));
  const dst = join(root, 'store.db');
  mkdirSync(dst);
  const dispose = () => rmSync(root, { recursive: true, force: true });
  try {
    const sameDevice = statSync(root).dev === statSync(dbDir).dev;
    for (const name of readdirSync(dbDir)) {
      if (name === 'LOCK' || name.startsWith('LOG')) continue;
      const src = join(dbDir, name);
      if (!statSync(src).isFile()) continue;
      if (sameDevice && /\.(ldb|sst)$/.test(name)) linkSync(src, join(dst, name));
      else copyFileSync(src, join(dst, name));
    }
  } catch (e) {
    dispose();
    throw e;
  }
  return { dbDir: dst, dispose };
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
