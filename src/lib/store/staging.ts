import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MonctlError } from '../errors.js';

/**
 * A directory built beside its destination and renamed into place once complete: the one
 * way monctl makes a new store (copy, migrate), a backup and a restored store.db, so that a
 * failure or a kill never leaves something at the destination that looks complete. The
 * temporary name (`.<dest name><tag><pid>-<random>`) never matches a store's or a backup's
 * name; one left by a killed process is removed by the next run for the same destination.
 */
export interface Staging {
  /** The temporary directory to fill. */
  readonly dir: string;
  /** Temporary directories of earlier, killed runs that were removed. */
  readonly removedStale: string[];
  /** fsyncs it and renames it to the destination (which must not exist, or be empty). */
  commit(): void;
  /** Removes it (after a failure); a no-op after commit(). */
  cleanup(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary directories of earlier runs for `dest` whose process is gone. */
function removeStale(dest: string, tag: string): string[] {
  const parent = dirname(dest);
  const stem = `.${basename(dest)}${tag}`;
  const removed: string[] = [];
  if (!existsSync(parent)) return removed;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(stem)) continue;
    const pid = Number(name.slice(stem.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pidAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(join(parent, name));
  }
  return removed;
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs every file below `dir` and the directories themselves (what a rename then publishes). */
export function fsyncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) fsyncTree(join(dir, e.name));
    else if (e.isFile()) fsyncPath(join(dir, e.name));
  }
  fsyncPath(dir);
}

/** A staging directory for `dest`, tagged by what makes it (`.monctl-copy-`, …). */
export function stageBeside(dest: string, tag: string, mode = 0o755): Staging {
  const removedStale = removeStale(dest, tag);
  const dir = join(dirname(dest), `.${basename(dest)}${tag}${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode });
  let done = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const finish = (): void => {
    done = true;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  return {
    dir,
    removedStale,
    commit() {
      if (done) return;
      fsyncTree(dir);
      if (existsSync(dest)) {
        if (readdirSync(dest).length > 0) throw new MonctlError('DEST_EXISTS', `${dest} appeared while monctl wrote it`, { actions: ['Name a directory that does not exist yet.'] });
        rmdirSync(dest);
      }
      renameSync(dir, dest);
      fsyncPath(dirname(dest));
      finish();
    },
    cleanup() {
      if (done) return;
      rmSync(dir, { recursive: true, force: true });
      finish();
    },
  };
}
