/** Process timing, store snapshots and small statistics for the benchmark. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, openSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { snapshotLevelDb } from '../src/lib/store/snapshot.js';

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
