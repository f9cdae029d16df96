import { readFileSync, readlinkSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface LockHolder {
  pid: number;
  /** /proc/<pid>/comm, when readable (`ceph-mon`). */
  command?: string;
}

export interface LockProbe {
  /** False when this system cannot tell (no /proc/locks: not Linux, or no LOCK file). */
  known: boolean;
  holders: LockHolder[];
}

/** Major and minor of a dev_t as glibc's gnu_dev_major/gnu_dev_minor split it. */
function devParts(dev: bigint): [number, number] {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return [Number(major), Number(minor)];
}

function holdsOpen(pid: number, path: string): boolean {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === path) return true;
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // not ours to look at
  }
  return false;
}

/**
 * Who holds the POSIX lock LevelDB and RocksDB take on `<dbDir>/LOCK` (fcntl F_SETLK; a
 * running ceph-mon holds it for its whole life), read from /proc/locks without opening the
 * store, so nothing in it changes. A lock line names the file by device and inode; where the
 * device differs (overlay filesystems report the lower one) the process must also have the
 * file open. Opening the store read-write would tell too, but LevelDB and RocksDB then
 * rewrite files of the store.
 */
export function lockHolders(dbDir: string, procLocks = '/proc/locks'): LockProbe {
  const lockFile = resolve(join(dbDir, 'LOCK'));
  let st;
  let table: string;
  try {
    st = statSync(lockFile, { bigint: true });
    table = readFileSync(procLocks, 'utf8');
  } catch {
    return { known: false, holders: [] };
  }
  const [major, minor] = devParts(st.dev);
  const holders: LockHolder[] = [];
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 3785 fe:00:2147154 0 EOF" (blocked waiters carry "->")
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[1] === '->') continue;
    const pid = Number(f[4]);
    const id = f[5]!.split(':');
    if (id.length !== 3 || BigInt(id[2]!) !== st.ino) continue;
    const sameDev = parseInt(id[0]!, 16) === major && parseInt(id[1]!, 16) === minor;
    if (!sameDev && !(pid > 0 && holdsOpen(pid, lockFile))) continue;
    if (holders.some((h) => h.pid === pid)) continue;
    let command: string | undefined;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      command = undefined;
    }
    holders.push({ pid, ...(command ? { command } : {}) });
  }
  return { known: true, holders };
}
