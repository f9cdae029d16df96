/**
 * Ceph releases as test oracles: Pacific (16.2) is the host's own tools (on PATH); Reef (18.2)
 * and Tentacle (20.2) live in Debian chroots built by `scripts/ceph-oracles.sh build`
 * (CEPH_ORACLES_DIR, default /var/lib/ceph-oracles).
 *
 * A chroot release's program runs as `chroot DIR /usr/bin/env -i PATH=… CEPH_CONF=… CMD ARGS`
 * (both exec, so the PID is the program's own), with the host directories it needs
 * bind-mounted at the same absolute path inside the chroot (`ceph-oracles.sh bind`), so host
 * paths work unchanged. The binds are removed when the tool ends, when a mon is stopped, or
 * at the latest when the test process exits. /proc, /sys and /dev are brought up in the chroot
 * when needed and left up: other processes may be using the chroot at the same time.
 * Chroot and bind mounts need root: without it, only Pacific is available.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  quietToolConf,
  REPO_ROOT,
  runTool as runHostTool,
  startMon as startHostMon,
  which,
  type CephRunner,
  type RunningMon,
  type StartMonOptions,
  type ToolResult,
} from './ceph.js';

export type Release = 'pacific' | 'reef' | 'tentacle';
export const RELEASES: readonly Release[] = ['pacific', 'reef', 'tentacle'];
type ChrootRelease = Exclude<Release, 'pacific'>;

export const ORACLES_SCRIPT = path.join(REPO_ROOT, 'scripts', 'ceph-oracles.sh');
const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_TIMEOUT_MS = 60_000;

/** The chroot of a release (whether built or not). */
export function chrootDir(release: ChrootRelease): string {
  return path.join(process.env.CEPH_ORACLES_DIR || '/var/lib/ceph-oracles', release);
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** True when this release's ceph-mon can run here. */
export function releaseAvailable(release: Release): boolean {
  if (release === 'pacific') return which('ceph-mon') !== undefined;
  return isRoot() && fs.existsSync(ORACLES_SCRIPT) && fs.existsSync(path.join(chrootDir(release), 'usr', 'bin', 'ceph-mon'));
}

/** The releases whose tools can run here: pacific when ceph-mon is on PATH, reef/tentacle when their chroot is built. */
export function availableReleases(): Release[] {
  return RELEASES.filter(releaseAvailable);
}

function oracles(args: string[]): void {
  const r = spawnSync('bash', [ORACLES_SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  if (r.status !== 0) {
    throw new Error(`ceph-oracles.sh ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.error?.message ?? ''}`);
  }
}

const mounted = new Set<ChrootRelease>();
/** Brings /proc, /sys, /dev up in the chroot (once per process; never taken down here). */
function ensureMounted(release: ChrootRelease): void {
  if (mounted.has(release)) return;
  oracles(['mount', release]);
  mounted.add(release);
}

/**
 * Binds these host dirs into the release's chroot at the same paths; returns the synchronous,
 * idempotent undo. Dirs inside another listed dir are covered by it and not bound twice.
 */
export function exposeDirs(release: ChrootRelease, dirs: string[]): () => void {
  ensureMounted(release);
  const real = [...new Set(dirs.map((d) => fs.realpathSync(d)))].sort();
  const top = real.filter((d) => !real.some((o) => o !== d && d.startsWith(o + path.sep)));
  if (top.length === 0) return () => {};
  oracles(['bind', release, ...top]);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    oracles(['unbind', release, ...top]);
  };
}

/** `chroot DIR /usr/bin/env -i PATH=… K=V… cmd args`: the program in the chroot, with only this env. */
function chrootCommand(release: ChrootRelease, cmd: string, args: string[], env: Record<string, string>): { cmd: string; args: string[] } {
  const vars = Object.entries({ PATH: CHROOT_PATH, HOME: '/root', LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${v}`);
  return { cmd: 'chroot', args: [chrootDir(release), '/usr/bin/env', '-i', ...vars, cmd, ...args] };
}

/** How startMon() runs this release's programs (undefined: the host's, for Pacific). */
export function runnerFor(release: Release): CephRunner | undefined {
  if (release === 'pacific') return undefined;
  return {
    command: (cmd, args, env) => chrootCommand(release, cmd, args, env),
    expose: (dirs) => exposeDirs(release, dirs),
  };
}

export interface ReleaseToolOptions {
  /** Host dirs the tool reads or writes (bind-mounted at the same path for a chroot release). */
  binds?: string[];
  timeoutMs?: number;
  /** Extra environment (e.g. CEPH_CONF; default: quietToolConf(), as test/helpers/ceph.ts does). */
  env?: Record<string, string>;
  input?: string | Buffer;
}

/**
 * Runs one of a release's Ceph tools, synchronously: on the host for Pacific, in the chroot
 * (with `binds` bind-mounted, removed afterwards) for the others. CEPH_CONF defaults to a
 * config that only quiets the KV engines' debug output, as for Pacific.
 */
export function runTool(release: Release, cmd: string, args: string[], opts: ReleaseToolOptions = {}): ToolResult {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (release === 'pacific') return runHostTool(cmd, args, { timeoutMs, env: opts.env, input: opts.input });
  if (!releaseAvailable(release)) return { code: -1, stdout: '', stderr: `[runTool] ${release} is not available here` };
  const env = { ...opts.env };
  const binds = [...(opts.binds ?? [])];
  if (env.CEPH_CONF === undefined) {
    env.CEPH_CONF = quietToolConf();
    binds.push(path.dirname(env.CEPH_CONF));
  }
  let undo: () => void;
  try {
    undo = exposeDirs(release, binds);
  } catch (e) {
    return { code: -1, stdout: '', stderr: `[runTool] ${(e as Error).message}` };
  }
  try {
    const c = chrootCommand(release, cmd, args, env);
    const r = spawnSync(c.cmd, c.args, {
      input: opts.input,
      timeout: timeoutMs,
      killSignal: 'SIGKILL', // chroot and env exec: this kills the tool itself
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
    });
    const stderr = (r.stderr ?? '') + (r.error ? `\n[runTool] ${r.error.message}` : '');
    return { code: typeof r.status === 'number' ? r.status : -1, stdout: r.stdout ?? '', stderr };
  } finally {
    undo();
  }
}

export interface ReleaseMon extends RunningMon {
  release: Release;
  /** `ceph <args> -f json`, parsed; throws with Ceph's stderr when the command fails. */
  cephJson<T = unknown>(args: string[], opts?: { timeoutMs?: number }): Promise<T>;
}

/**
 * Starts a real ceph-mon of this release (see startMon in test/helpers/ceph.ts: auth none,
 * 127.0.0.1 on a free port, mkfs or an existing mon data dir whose stored monmap is rewritten
 * for the port, waits until `ceph -s` answers, i.e. quorum). `ceph(args)` runs the release's
 * own `ceph` CLI; `stop()` kills by PID and removes the binds (also done at process exit).
 */
export async function startMon(release: Release, opts: StartMonOptions): Promise<ReleaseMon> {
  if (!releaseAvailable(release)) throw new Error(`startMon: ${release} is not available here`);
  const mon = await startHostMon({ ...opts, runner: runnerFor(release) });
  const cephJson = async <T>(args: string[], o: { timeoutMs?: number } = {}): Promise<T> => {
    const r = await mon.ceph([...args, '-f', 'json'], o);
    if (r.code !== 0) throw new Error(`ceph ${args.join(' ')} (${release}) failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  // Keep RunningMon's getter (`exited`) live: extend the object rather than spreading it.
  return Object.assign(mon, { release, cephJson });
}

/**
 * The release monitors one test file starts: `start` is startMon that remembers the monitor,
 * `stopAll` (for afterAll) stops every one still running, by PID, also after a failed test.
 */
export function releaseMons(): { start: (release: Release, monData: string, extra?: Partial<StartMonOptions>) => Promise<ReleaseMon>; stopAll: () => Promise<void> } {
  const mons: ReleaseMon[] = [];
  return {
    start: async (release, monData, extra = {}) => {
      const mon = await startMon(release, { monData, ...extra });
      mons.push(mon);
      return mon;
    },
    stopAll: async () => {
      for (const m of mons.splice(0)) await m.stop();
    },
  };
}
