/**
 * A Ceph release to test against, and a single monitor of that release on 127.0.0.1 for the
 * generated-history tests (test/helpers/osd-history.ts).
 *
 * A release says how each Ceph program is invoked (a host binary, or later a wrapper that runs
 * another release's binary, e.g. from a container or an unpacked tree) and which command
 * spellings and quirks of that release the history generator must respect. Only Pacific
 * (16.2, the host's packages) is defined now; MONCTL_HISTORY_RELEASE picks one by name.
 *
 * The mon binds 127.0.0.1 on a free port (msgr2, auth none), keeps its config, logs and run dir
 * in a fresh temporary directory, and is stopped by its PID (SIGTERM, then SIGKILL), at the
 * latest when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_FSID, freePort, makeTempDir, pidAlive, runTool, runToolAsync, which, type Backend, type ToolResult } from './ceph.js';

export type CephTool = 'ceph' | 'ceph-mon' | 'monmaptool' | 'ceph-monstore-tool' | 'osdmaptool';

export interface CephRelease {
  /** Release name, lower case, as `ceph versions` spells it. */
  name: string;
  /** argv prefix that runs one of the release's programs. */
  tool(t: CephTool): string[];
  /** `osd blocklist` (Pacific on) or `osd blacklist` (Octopus and older). */
  blocklistVerb: 'blocklist' | 'blacklist';
  /** `osd blocklist range add|rm CIDR` exists (16.2.11 and later). */
  rangeBlocklist: boolean;
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
  /** Extra `[global]` settings for this release's mon. */
  conf: Readonly<Record<string, string | number | boolean>>;
}

export const PACIFIC: CephRelease = {
  name: 'pacific',
  tool: (t) => [t],
  blocklistVerb: 'blocklist',
  rangeBlocklist: true,
  downInSubtreeAssert: true,
  compatClients: ['luminous', 'mimic', 'nautilus', 'octopus', 'pacific'],
  conf: {},
};

export const RELEASES: Readonly<Record<string, CephRelease>> = { pacific: PACIFIC };

/** The release named by MONCTL_HISTORY_RELEASE (default pacific). */
export function releaseFromEnv(env: NodeJS.ProcessEnv = process.env): CephRelease {
  const name = (env.MONCTL_HISTORY_RELEASE ?? 'pacific').toLowerCase();
  const r = RELEASES[name];
  if (!r) throw new Error(`MONCTL_HISTORY_RELEASE=${name}: known releases are ${Object.keys(RELEASES).join(', ')}`);
  return r;
}

const TOOLS: CephTool[] = ['ceph', 'ceph-mon', 'monmaptool', 'ceph-monstore-tool', 'osdmaptool'];

/** True when every program of the release can be started (its first argv word is on PATH). */
export function releaseAvailable(r: CephRelease): boolean {
  return TOOLS.every((t) => {
    const cmd = r.tool(t)[0]!;
    return cmd.includes('/') ? fs.existsSync(cmd) : which(cmd) !== undefined;
  });
}

/** Runs a release program synchronously (runTool's timeout and quiet CEPH_CONF). */
export function runReleaseTool(r: CephRelease, t: CephTool, args: string[], opts: Parameters<typeof runTool>[2] = {}): ToolResult {
  const [cmd, ...pre] = r.tool(t);
  return runTool(cmd!, [...pre, ...args], opts);
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
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  stop(): Promise<void>;
  /** The tail of the mon's log file and of its stdout/stderr. */
  logTail(chars?: number): string;
}

const live = new Map<number, ChildProcess>();
let exitHook = false;
function killAllAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const pid of live.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

function mustRun(r: CephRelease, t: CephTool, args: string[], env: NodeJS.ProcessEnv): void {
  const res = runReleaseTool(r, t, args, { env });
  if (res.code !== 0) throw new Error(`${t} ${args.join(' ')} failed (code ${res.code}):\n${res.stderr}\n${res.stdout}`);
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
  killAllAtExit();
  const fsid = opts.fsid ?? FIXTURE_FSID;
  const backend = opts.backend ?? 'rocksdb';
  const runDir = makeTempDir(`monctl-${release.name}-mon-`);
  fs.mkdirSync(path.join(runDir, 'run'));
  fs.mkdirSync(path.join(runDir, 'log'));
  const monData = path.join(opts.dir ?? runDir, 'mon-a');
  const port = await freePort();
  const conf = path.join(runDir, 'ceph.conf');
  const settings: Record<string, string | number | boolean> = {
    fsid,
    mon_host: `v2:127.0.0.1:${port}`,
    auth_cluster_required: 'none',
    auth_service_required: 'none',
    auth_client_required: 'none',
    ms_bind_msgr1: false,
    ms_bind_msgr2: true,
    run_dir: path.join(runDir, 'run'),
    log_file: path.join(runDir, 'log', '$cluster-$name.log'),
    osd_pool_default_size: 3,
    osd_pool_default_min_size: 2,
    osd_pool_default_pg_autoscale_mode: 'off',
    mon_max_pg_per_osd: 100000,
    ...release.conf,
    ...opts.conf,
  };
  const lines = ['[global]', ...Object.entries(settings).map(([k, v]) => `${k} = ${String(v)}`), ''];
  lines.push(
    '[mon]',
    `admin_socket = ${path.join(runDir, 'run', '$cluster-$name.asok')}`,
    `mon_data = ${monData}`,
    `mon_keyvaluedb = ${backend}`,
    'mon_allow_pool_create = true',
    'mon_allow_pool_delete = true',
    'mon_warn_on_pool_no_redundancy = false',
    'mon_warn_on_insecure_global_id_reclaim_allowed = false',
    'paxos_propose_interval = 0.05',
  );
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  const env = { CEPH_CONF: conf };
  const monmap = path.join(runDir, 'monmap');
  fs.mkdirSync(monData, { recursive: true });
  mustRun(release, 'monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${port}]`, monmap], env);
  mustRun(release, 'ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--mon-data', monData, '--monmap', monmap], env);

  const [monCmd, ...monPre] = release.tool('ceph-mon');
  const child = spawn(monCmd!, [...monPre, '-c', conf, '-f', '-i', 'a', '--mon-data', monData], {
    env: { ...process.env, CEPH_CONF: conf },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${release.name} ceph-mon did not start`);
  live.set(pid, child);
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      live.delete(pid);
      resolve();
    });
  });

  const logTail = (chars = 6000): string => {
    let text = '';
    try {
      text = fs.readFileSync(path.join(runDir, 'log', 'ceph-mon.a.log'), 'utf8');
    } catch {
      /* no log yet */
    }
    return `${text.slice(-chars)}\n--- ceph-mon stdout/stderr ---\n${output.slice(-chars)}`;
  };
  const [cephCmd, ...cephPre] = release.tool('ceph');
  const ceph = (args: string[], o: { timeoutMs?: number } = {}): Promise<ToolResult> => {
    const timeoutMs = o.timeoutMs ?? 30_000;
    const connect = Math.max(5, Math.floor(timeoutMs / 1000) - 5);
    return runToolAsync(cephCmd!, [...cephPre, '-c', conf, '--connect-timeout', String(connect), ...args], { timeoutMs, env });
  };
  const stop = async (): Promise<void> => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 10_000);
      await gone;
      clearTimeout(timer);
    }
    live.delete(pid);
  };
  const mon: ReleaseMon = {
    release,
    pid,
    port,
    conf,
    runDir,
    monData,
    backend,
    ceph,
    alive: () => !exited && pidAlive(pid),
    stop,
    logTail,
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let last: ToolResult | undefined;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${release.name} ceph-mon exited before answering\n${logTail()}`);
    last = await ceph(['-s', '-f', 'json'], { timeoutMs: 10_000 });
    if (last.code === 0) return mon;
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${release.name} ceph-mon on 127.0.0.1:${port} did not answer: ${last?.stderr.slice(-1000) ?? ''}\n${logTail()}`);
}
