/**
 * A Ceph release as the generated-history tests (test/helpers/osd-history.ts) see it: which
 * command spellings and quirks the generator must respect, and a single monitor of that release
 * on 127.0.0.1. Programs run through test/helpers/releases.ts (the host's Pacific tools, Reef
 * and Tentacle in their chroots); MONCTL_HISTORY_RELEASE names one or more releases.
 *
 * The mon binds 127.0.0.1 on a free port (msgr2, auth none), keeps its config, logs and run dir
 * in a fresh temporary directory, and is stopped by its PID (SIGTERM, then SIGKILL), at the
 * latest when the test process exits.
 */
import * as path from 'node:path';
import { makeTempDir, type Backend, type ToolResult } from './ceph.js';
import { releaseAvailable as canRun, runTool, startMon, type Release } from './releases.js';

export type CephTool = 'ceph' | 'ceph-mon' | 'monmaptool' | 'ceph-monstore-tool' | 'osdmaptool';

export interface CephRelease {
  /** Release name, lower case, as `ceph versions` spells it. */
  name: Release;
  /** `osd blocklist` (Pacific on) or `osd blacklist` (Octopus and older). */
  blocklistVerb: 'blocklist' | 'blacklist';
  /** `osd blocklist range add|rm CIDR` exists (16.2.11 and later). */
  rangeBlocklist: boolean;
  /** `osd pg-upmap-primary`, `rm-pg-upmap-primary` (Reef) and `rm-pg-upmap-primary-all` (18.2.5 and later). */
  upmapPrimary: boolean;
  /**
   * OSDMap::check_health asserts num_down_in_osds <= num_in_osds, but counts every down OSD
   * that is in (NEW ones too) under a down CRUSH subtree of an in, non-NEW OSD, while
   * num_in_osds skips NEW ones: with no OSD daemon up, an in non-NEW OSD sharing a root with an
   * in NEW one aborts the monitor (Pacific; see make-fixtures.sh). The generator never makes
   * that state when this is set.
   */
  downInSubtreeAssert: boolean;
  /** Values `osd set-require-min-compat-client` takes, oldest first. */
  compatClients: readonly string[];
  /** The mon stores this release can make (LevelDB monitors were removed in Quincy). */
  backends: readonly Backend[];
  /** Extra `[global]` settings for this release's mon. */
  conf: Readonly<Record<string, string | number | boolean>>;
}

const PACIFIC_CLIENTS = ['luminous', 'mimic', 'nautilus', 'octopus', 'pacific'] as const;

export const PACIFIC: CephRelease = {
  name: 'pacific',
  blocklistVerb: 'blocklist',
  rangeBlocklist: true,
  upmapPrimary: false,
  downInSubtreeAssert: true,
  compatClients: PACIFIC_CLIENTS,
  backends: ['rocksdb', 'leveldb'],
  conf: {},
};

/** Reef 18.2.7: RocksDB mons only; OSDMap::check_health is unchanged, so the guard stays. */
export const REEF: CephRelease = { ...PACIFIC, name: 'reef', upmapPrimary: true, compatClients: [...PACIFIC_CLIENTS, 'quincy', 'reef'], backends: ['rocksdb'] };

/** Tentacle 20.2.4. */
export const TENTACLE: CephRelease = { ...REEF, name: 'tentacle', compatClients: [...PACIFIC_CLIENTS, 'quincy', 'reef', 'squid', 'tentacle'] };

export const RELEASES: Readonly<Record<Release, CephRelease>> = { pacific: PACIFIC, reef: REEF, tentacle: TENTACLE };

/**
 * The releases named by MONCTL_HISTORY_RELEASE (a comma-separated list; default: pacific).
 */
export function releasesFromEnv(env: NodeJS.ProcessEnv = process.env): CephRelease[] {
  const names = (env.MONCTL_HISTORY_RELEASE ?? 'pacific').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  return names.map((name) => {
    const r = RELEASES[name as Release];
    if (!r) throw new Error(`MONCTL_HISTORY_RELEASE=${name}: known releases are ${Object.keys(RELEASES).join(', ')}`);
    return r;
  });
}

/** True when the release's programs can run here (host packages or a built chroot). */
export function releaseAvailable(r: CephRelease): boolean {
  return canRun(r.name);
}

/** Runs a release program synchronously; `binds`: host dirs it reads or writes (chroot releases). */
export function runReleaseTool(r: CephRelease, t: CephTool, args: string[], opts: { binds?: string[]; timeoutMs?: number } = {}): ToolResult {
  return runTool(r.name, t, args, opts);
}

export interface ReleaseMon {
  release: CephRelease;
  pid: number;
  port: number;
  /** The generated ceph.conf. */
  conf: string;
  runDir: string;
  monData: string;
  backend: Backend;
  /** `ceph -c conf …` of this release against this mon. */
  ceph(args: string[], opts?: { timeoutMs?: number }): Promise<ToolResult>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL; resolves once the process is gone. */
  stop(): Promise<void>;
  /** The tail of the mon's log file and of its stdout/stderr. */
  logTail(chars?: number): string;
  /**
   * Starts the release's ceph-mon again on the same store (after it died), on a new port;
   * `pid`, `port`, `conf`, `ceph` and `logTail` then refer to the new process (the old log
   * stays readable through `logTail` until then).
   */
  restart(): Promise<void>;
}

export interface StartReleaseMonOptions {
  /** Parent directory for the mon data dir (default: a fresh temp dir). */
  dir?: string;
  backend?: Backend;
  fsid?: string;
  /** Extra `[global]` settings (after the release's own). */
  conf?: Record<string, string | number | boolean>;
  readyTimeoutMs?: number;
}

/** mkfs a one-mon cluster of this release and start it; resolves once `ceph -s` answers. */
export async function startReleaseMon(release: CephRelease, opts: StartReleaseMonOptions = {}): Promise<ReleaseMon> {
  const backend = opts.backend ?? 'rocksdb';
  if (!release.backends.includes(backend)) throw new Error(`${release.name} monitors cannot use ${backend} (only ${release.backends.join(', ')})`);
  const monData = path.join(opts.dir ?? makeTempDir(`monctl-${release.name}-history-`), 'mon-a');
  const mon = await startMon(release.name, {
    monData,
    mkfs: true,
    backend,
    fsid: opts.fsid,
    readyTimeoutMs: opts.readyTimeoutMs,
    extraConf: {
      osd_pool_default_min_size: 2,
      mon_max_pg_per_osd: 100000,
      paxos_propose_interval: 0.05,
      ...release.conf,
      ...opts.conf,
    },
  });
  let cur = mon;
  return {
    release,
    get pid() {
      return cur.pid;
    },
    get port() {
      return cur.port;
    },
    get conf() {
      return cur.conf;
    },
    get runDir() {
      return cur.runDir;
    },
    monData: mon.monData,
    backend,
    ceph: (args, o) => cur.ceph(args, o),
    alive: () => !cur.exited,
    stop: () => cur.stop(),
    logTail: (chars = 6000) => cur.log().slice(-chars),
    async restart() {
      await cur.stop();
      cur = await startMon(release.name, { monData: mon.monData, readyTimeoutMs: opts.readyTimeoutMs });
    },
  };
}
