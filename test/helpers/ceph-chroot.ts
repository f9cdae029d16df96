/**
 * Newer Ceph releases as oracles: their tools run inside a Debian chroot per release
 * (`$CEPH_ORACLES_DIR/<release>`, default /var/lib/ceph-oracles/<release>, as the
 * ceph-oracles.sh tool builds them).
 *
 * Each run gets a private mount namespace (`unshare -m`): the host directories the tool
 * needs are bind-mounted at the same paths inside the chroot there, and vanish with the
 * process, so nothing is left mounted and no other user of the chroot (whose daemons need
 * its /proc) is disturbed. Tools such as ceph-kvstore-tool need no /proc in the chroot.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

export type OracleRelease = 'reef' | 'tentacle';

export function oracleRoot(release: OracleRelease): string {
  return join(process.env.CEPH_ORACLES_DIR ?? '/var/lib/ceph-oracles', release);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Undefined when `tool` of `release` can run here, else why not (for a skip message). */
export function oracleUnavailable(release: OracleRelease, tool = 'ceph-kvstore-tool'): string | undefined {
  const root = oracleRoot(release);
  if (!executable(join(root, 'usr', 'bin', tool))) return `no ${release} chroot with ${tool} at ${root} (build it with ceph-oracles.sh build ${release})`;
  if (process.getuid?.() !== 0) return `running ${release}'s tools in ${root} needs root (chroot, mount namespaces)`;
  for (const t of ['unshare', 'chroot', 'mount']) {
    if (!['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => executable(join(d, t)))) return `${t} is not installed`;
  }
  return undefined;
}

const SCRIPT = [
  'R=$1; n=$2; shift 2',
  'i=0',
  'while [ "$i" -lt "$n" ]; do mount --bind "$1" "$R$1" || exit 97; shift; i=$((i+1)); done',
  'exec chroot "$R" env CEPH_CONF=/dev/null "$@"',
].join('\n');

/**
 * The command line that runs `argv` inside `release`'s chroot with `binds` (absolute host
 * directories) visible at the same paths. Call prepareBinds first and releaseBinds after.
 */
export function oracleCommand(release: OracleRelease, binds: string[], argv: string[]): { cmd: string; args: string[] } {
  return { cmd: 'unshare', args: ['-m', '--propagation', 'private', 'sh', '-c', SCRIPT, 'sh', oracleRoot(release), String(binds.length), ...binds, ...argv] };
}

/** Creates the empty mount points inside the chroot; returns what it created, for releaseBinds. */
export function prepareBinds(release: OracleRelease, binds: string[]): string[] {
  const created: string[] = [];
  for (const b of binds) {
    let dir = oracleRoot(release);
    for (const part of b.split('/').filter(Boolean)) {
      dir = join(dir, part);
      if (!existsSync(dir)) {
        mkdirSync(dir);
        created.push(dir);
      }
    }
  }
  return created;
}

/** Removes the mount points prepareBinds created (empty outside the runs' namespaces), deepest first. */
export function releaseBinds(created: string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty or gone: leave it
    }
  }
}

export interface OracleResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` in `release`'s chroot, synchronously, with `binds` visible. */
export function runOracle(release: OracleRelease, binds: string[], argv: string[], timeoutMs = 120_000): OracleResult {
  const created = prepareBinds(release, binds);
  try {
    const { cmd, args } = oracleCommand(release, binds, argv);
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 512 * 1024 * 1024 });
    return { code: typeof r.status === 'number' ? r.status : -1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
  } finally {
    releaseBinds(created);
  }
}
