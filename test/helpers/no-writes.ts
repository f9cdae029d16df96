import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from './corpus.js';

/** Whether strace is installed (the conformance tier's CI installs it). */
export function straceAvailable(): boolean {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

const TRACED = 'openat,open,creat,rename,renameat,renameat2,unlink,unlinkat,truncate,mkdir,mkdirat,link,linkat,symlink,symlinkat';
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;

/**
 * Runs the built CLI under strace and lists every system call by which it (or a thread or
 * child of it) could have changed a file under `dir`: an open for writing, a create, a
 * rename, a link or an unlink. While a live ceph-mon writes its own store, hashing files
 * before and after cannot tell monctl's writes from the monitor's; this can.
 */
export function writesUnder(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; violations: string[] } {
  const scratch = mkdtempSync(join(tmpdir(), 'monctl-strace-'));
  const log = join(scratch, 'trace');
  try {
    const r = spawnSync('strace', ['-f', '-qq', '-e', `trace=${TRACED}`, '-o', log, process.execPath, join(repoRoot, 'bin', 'run.js'), ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, ...env },
    });
    const root = resolve(dir);
    const violations = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => {
        const paths = [...line.matchAll(/"([^"]*)"/g)].map((m) => resolve(m[1]!));
        if (!paths.some((p) => p === root || p.startsWith(root + '/'))) return false;
        if (/\b(open|openat|creat)\(/.test(line)) return WRITE_FLAGS.test(line) || /\bcreat\(/.test(line);
        return /\b(rename|renameat2?|unlink|unlinkat|truncate|mkdir|mkdirat|link|linkat|symlink|symlinkat)\(/.test(line) && !/= -1 /.test(line);
      });
    return { code: r.status, stdout: r.stdout, violations };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
