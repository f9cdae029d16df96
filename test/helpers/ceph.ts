/**
 * Helpers for the conformance tests: run the real Ceph tools and real
 * `ceph-mon` daemons against the fixture stores.
 *
 * Every mon started here binds to 127.0.0.1 on a free port, keeps its
 * config, run dir, admin socket and logs in a fresh temporary directory, and
 * is killed by PID in `stop()` or, at the latest, when the test process exits.
 *
 * Starting a mon on an EXISTING store on a new port (Ceph 16.2 Pacific):
 *   The mon's address comes from the monmap stored in the store, not from the
 *   config: with `mon_host`/`--public-addr` set to a new port, ceph-mon still
 *   binds to the address in its stored monmap. `--public-bind-addr` does make
 *   it listen on the new port, but it keeps advertising the stored address and
 *   clients never complete the handshake (`ceph` loops on
 *   "send_auth_request get_initial_auth_request returned -2" until it times
 *   out). What works is rewriting the monmap offline:
 *     ceph-mon -i a --mon-data DIR --extract-monmap MAP
 *     monmaptool --rm a MAP; monmaptool --addv a [v2:127.0.0.1:PORT] MAP
 *     ceph-mon -i a --mon-data DIR --inject-monmap MAP
 *   then starting `ceph-mon -f -i a --mon-data DIR`. This WRITES to the store
 *   (the injected map becomes monmap epoch last_committed+1, and the running
 *   mon commits a further epoch), so only ever do it on a copy of a fixture.
 *   Reef (18.2) and Tentacle (20.2) behave the same: startMon() does the same
 *   rewrite with the release's own tools when given a `runner` (see
 *   test/helpers/releases.ts, which runs them inside the release's chroot).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
export const GOLDEN_DIR = path.join(FIXTURES_DIR, 'golden');
/** fsid of both fixture stores (see test/fixtures/make-fixtures.sh). */
export const FIXTURE_FSID = '6d3f2a1e-8a4b-4c1e-9a57-0b5c3e2d1f00';

export type Backend = 'rocksdb' | 'leveldb';
/** A committed fixture store: Pacific's two backends, or a later release's (RocksDB) store. */
export type FixtureName = Backend | 'reef' | 'tentacle';

export interface ToolResult {
  /** Exit code; -1 when the process was killed (timeout) or could not start. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string | Buffer;
}

export interface StartMonOptions {
  /** The mon data dir (`--mon-data`). Created when `mkfs` is true. */
  monData: string;
  /** Mon id, default `a`. */
  name?: string;
  /** fsid for mkfs, default FIXTURE_FSID. */
  fsid?: string;
  /** Backend for mkfs (`mon_keyvaluedb`), default rocksdb. An existing store keeps its own (kv_backend). */
  backend?: Backend;
  /** Create a new store first (default false: start on an existing store). */
  mkfs?: boolean;
  /** Extra `key = value` lines for the [global] section of the generated ceph.conf. */
  extraConf?: Record<string, string | number | boolean>;
  /** How long to wait for `ceph -s` to answer, default 30 s. */
  readyTimeoutMs?: number;
  /** Port to bind (default: a free one). */
  port?: number;
  /** `mon_host` of the generated config (default: this mon alone); several mons of one cluster list all. */
  monHost?: string;
  /** mkfs from this monmap file instead of a one-mon map made here. */
  monmap?: string;
  /** Start on the store's own monmap as it is (do not rewrite it for the port). */
  useStoredMonmap?: boolean;
  /** Wait until `ceph -s` answers (default true; a mon without quorum never answers). */
  waitReady?: boolean;
  /**
   * Runs Ceph's programs somewhere else than on this host's PATH (a newer release in its
   * chroot: test/helpers/releases.ts). Default: the host's own tools (Pacific).
   */
  runner?: CephRunner;
}

/** Where startMon() runs ceph-mon, monmaptool and ceph (see test/helpers/releases.ts). */
export interface CephRunner {
  /** The program and arguments that run `cmd args` with `env` (e.g. `chroot DIR env -i … cmd args`; PID = cmd's). */
  command(cmd: string, args: string[], env: Record<string, string>): { cmd: string; args: string[] };
  /** Makes these host directories visible to the commands at the same paths; returns the undo (synchronous, idempotent). */
  expose(dirs: string[]): () => void;
}

export interface RunningMon {
  pid: number;
  port: number;
  /** Path of the generated ceph.conf (usable with `ceph -c`). */
  conf: string;
  /** Temporary dir holding conf, run dir, admin socket and logs. */
  runDir: string;
  monData: string;
  name: string;
  /** Runs `ceph -c <conf> <args...>` against this mon. */
  ceph(args: string[], opts?: { timeoutMs?: number }): Promise<ToolResult>;
  /** SIGTERM, then SIGKILL after a few seconds; resolves once the process is gone. */
  stop(): Promise<void>;
  /** The mon's log file plus whatever it printed on stdout/stderr. */
  log(): string;
  /** True once the process has exited. */
  readonly exited: boolean;
}

const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
const MAX_BUFFER = 256 * 1024 * 1024;

/* ------------------------------------------------------------------------ */
/* tool discovery and running                                                */
/* ------------------------------------------------------------------------ */

export function which(cmd: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

let availableCache: boolean | undefined;
/** True when the Ceph tools the conformance tests need are on PATH. */
export function cephAvailable(): boolean {
  availableCache ??= ['ceph-mon', 'ceph-kvstore-tool', 'ceph-monstore-tool', 'ceph', 'monmaptool'].every(
    (c) => which(c) !== undefined,
  );
  return availableCache;
}

let toolConf: string | undefined;
/**
 * A config file for the offline tools: it stops them reading a system-wide
 * ceph.conf (and complaining on stderr when there is none) and silences the
 * rocksdb/leveldb debug output that ceph-kvstore-tool otherwise prints on stderr.
 */
export function quietToolConf(): string {
  if (toolConf && fs.existsSync(toolConf)) return toolConf;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monctl-toolconf-'));
  toolConf = path.join(dir, 'tool.conf');
  fs.writeFileSync(toolConf, '[global]\ndebug_rocksdb = 0/0\ndebug_leveldb = 0/0\n');
  tempDirs.add(dir);
  return toolConf;
}

function toolEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!merged.CEPH_CONF) merged.CEPH_CONF = quietToolConf();
  return merged;
}

/**
 * Runs a tool synchronously with a bounded timeout. `CEPH_CONF` defaults to
 * quietToolConf() so the output is the same on every machine.
 */
export function runTool(cmd: string, args: string[], opts: RunOptions = {}): ToolResult {
  const r = spawnSync(cmd, args, {
    env: toolEnv(opts.env),
    cwd: opts.cwd,
    input: opts.input,
    timeout: opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_BUFFER,
    encoding: 'utf8',
  });
  const stderr = (r.stderr ?? '') + (r.error ? `\n[runTool] ${r.error.message}` : '');
  return { code: typeof r.status === 'number' ? r.status : -1, stdout: r.stdout ?? '', stderr };
}

/** Async variant of runTool (does not block the event loop while the tool runs). */
export function runToolAsync(cmd: string, args: string[], opts: RunOptions = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        env: toolEnv(opts.env),
        cwd: opts.cwd,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolve({ code: -1, stdout: '', stderr: String(e) });
      return;
    }
    const timer = setTimeout(() => {
      stderr += `\n[runToolAsync] timed out after ${opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS} ms`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on('error', (e) => {
      stderr += `\n[runToolAsync] ${e.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

function mustRun(cmd: string, args: string[], opts: RunOptions = {}): ToolResult {
  const r = runTool(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (code ${r.code}):\n${r.stderr}\n${r.stdout}`);
  }
  return r;
}

/* ------------------------------------------------------------------------ */
/* ports, temp dirs, fixtures                                                */
/* ------------------------------------------------------------------------ */

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('freePort: no address'));
        return;
      }
      const { port } = addr;
      srv.close(() => resolve(port));
    });
  });
}

const tempDirs = new Set<string>();

/** A fresh temporary directory (removed by removeTempDirs() / at exit). */
export function makeTempDir(prefix = 'monctl-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes every temp dir made by this module (mons must be stopped first). */
export function removeTempDirs(): void {
  for (const dir of tempDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  }
  toolConf = undefined;
}

export function fixtureTarball(name: FixtureName): string {
  return path.join(FIXTURES_DIR, `mon-${name}.tar.gz`);
}

/**
 * Untars test/fixtures/mon-<name>.tar.gz into `dest` (default: a fresh temp
 * dir) and returns the path of the extracted `mon-a` data dir.
 */
export function extractFixture(name: FixtureName, dest?: string): string {
  const dir = dest ?? makeTempDir(`monctl-fixture-${name}-`);
  fs.mkdirSync(dir, { recursive: true });
  mustRun('tar', ['-xzf', fixtureTarball(name), '-C', dir]);
  const monA = path.join(dir, 'mon-a');
  if (!fs.existsSync(path.join(monA, 'store.db'))) {
    throw new Error(`extractFixture: ${monA}/store.db missing after extraction`);
  }
  return monA;
}

/** Recursive copy (e.g. to give each test its own copy of a store). */
export function copyDir(src: string, dst: string): string {
  fs.cpSync(src, dst, { recursive: true, errorOnExist: false, force: true });
  return dst;
}

/* ------------------------------------------------------------------------ */
/* mons                                                                      */
/* ------------------------------------------------------------------------ */

const liveMons = new Map<number, ChildProcess>();
/** Per running mon started with a runner: undo its exposed dirs (after the kill). */
const liveCleanups = new Map<number, () => void>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is still running.
  process.on('exit', () => {
    for (const pid of liveMons.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    liveMons.clear();
    for (const undo of liveCleanups.values()) {
      try {
        undo();
      } catch {
        /* best effort at exit */
      }
    }
    liveCleanups.clear();
  });
}

/** PIDs of mons started by this module that are still running. */
export function runningMonPids(): number[] {
  return [...liveMons.keys()];
}

/** True if a process with this PID exists (and is not a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function confText(o: {
  fsid: string;
  port: number;
  runDir: string;
  name: string;
  monData: string;
  backend?: Backend;
  extra?: Record<string, string | number | boolean>;
  monHost?: string;
}): string {
  const lines = [
    '[global]',
    `fsid = ${o.fsid}`,
    `mon_host = ${o.monHost ?? `v2:127.0.0.1:${o.port}`}`,
    'auth_cluster_required = none',
    'auth_service_required = none',
    'auth_client_required = none',
    'ms_bind_msgr1 = false',
    'ms_bind_msgr2 = true',
    `run_dir = ${path.join(o.runDir, 'run')}`,
    `log_file = ${path.join(o.runDir, 'log', '$cluster-$name.log')}`,
    'osd_pool_default_size = 3',
    'osd_pool_default_pg_autoscale_mode = off',
  ];
  for (const [k, v] of Object.entries(o.extra ?? {})) lines.push(`${k} = ${String(v)}`);
  lines.push(
    '',
    '[mon]',
    `admin_socket = ${path.join(o.runDir, 'run', '$cluster-$name.asok')}`,
    `mon_data = ${o.monData}`,
    'mon_allow_pool_create = true',
    'mon_allow_pool_delete = true',
    'mon_warn_on_pool_no_redundancy = false',
    'mon_warn_on_insecure_global_id_reclaim_allowed = false',
  );
  if (o.backend) lines.push(`mon_keyvaluedb = ${o.backend}`);
  return lines.join('\n') + '\n';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts a real ceph-mon in the foreground on 127.0.0.1:<free port>, either
 * on a new store (`mkfs: true`) or on an existing one (its monmap is rewritten
 * for the new port; see the comment at the top of this file). Resolves once
 * `ceph -s` answers.
 */
export async function startMon(opts: StartMonOptions): Promise<RunningMon> {
  installExitHandler();
  const name = opts.name ?? 'a';
  const fsid = opts.fsid ?? FIXTURE_FSID;
  const monData = path.resolve(opts.monData);
  const runDir = makeTempDir('monctl-mon-');
  fs.mkdirSync(path.join(runDir, 'run'));
  fs.mkdirSync(path.join(runDir, 'log'));
  const port = opts.port ?? (await freePort());
  const conf = path.join(runDir, 'ceph.conf');
  fs.writeFileSync(
    conf,
    confText({ fsid, port, runDir, name, monData, backend: opts.mkfs ? (opts.backend ?? 'rocksdb') : undefined, extra: opts.extraConf, monHost: opts.monHost }),
  );
  const monmap = path.join(runDir, 'monmap');
  const addr = `[v2:127.0.0.1:${port}]`;
  const env = { CEPH_CONF: conf };
  const runner = opts.runner;
  // With a runner, Ceph's programs run elsewhere (a chroot): the command is wrapped and the
  // dirs they use are exposed to them (undone in stop(), on failure, or at exit).
  const wrap = (cmd: string, args: string[]): [string, string[]] => {
    if (!runner) return [cmd, args];
    const w = runner.command(cmd, args, env);
    return [w.cmd, w.args];
  };
  const run = (cmd: string, args: string[]): ToolResult => mustRun(...wrap(cmd, args), { env });

  if (opts.mkfs) fs.mkdirSync(monData, { recursive: true });
  let undo = (): void => {};
  if (runner) {
    const dirs = [runDir, monData];
    if (opts.monmap !== undefined) dirs.push(path.dirname(path.resolve(opts.monmap)));
    if (fs.existsSync(monData)) undo = runner.expose(dirs);
  }
  let child: ChildProcess;
  try {
    if (opts.mkfs) {
      if (opts.monmap === undefined) run('monmaptool', ['--create', '--fsid', fsid, '--addv', name, addr, monmap]);
      run('ceph-mon', ['-c', conf, '--mkfs', '-i', name, '--mon-data', monData, '--monmap', opts.monmap ?? monmap]);
    } else if (!opts.useStoredMonmap) {
      if (!fs.existsSync(path.join(monData, 'store.db'))) {
        throw new Error(`startMon: ${monData} has no store.db (pass mkfs: true to create one)`);
      }
      run('ceph-mon', ['-c', conf, '-i', name, '--mon-data', monData, '--extract-monmap', monmap]);
      // Two calls: monmaptool applies --addv before --rm ("map already contains mon.a").
      run('monmaptool', ['--rm', name, monmap]);
      run('monmaptool', ['--addv', name, addr, monmap]);
      run('ceph-mon', ['-c', conf, '-i', name, '--mon-data', monData, '--inject-monmap', monmap]);
    }

    const [monCmd, monArgs] = wrap('ceph-mon', ['-c', conf, '-f', '-i', name, '--mon-data', monData]);
    child = spawn(monCmd, monArgs, {
      env: { ...process.env, CEPH_CONF: conf },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
  } catch (e) {
    undo();
    throw e;
  }
  const pid = child.pid;
  if (pid === undefined) {
    undo();
    throw new Error('startMon: ceph-mon did not start');
  }
  liveMons.set(pid, child);
  if (runner) liveCleanups.set(pid, undo);

  let output = '';
  const keep = (d: Buffer): void => {
    output += d.toString('utf8');
    if (output.length > 1_000_000) output = output.slice(-500_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      liveMons.delete(pid);
      resolve();
    });
    child.on('error', (e) => {
      output += `\n[startMon] ${e.message}`;
    });
  });

  const logFile = path.join(runDir, 'log', `ceph-mon.${name}.log`);
  const log = (): string => {
    let text = '';
    try {
      text = fs.readFileSync(logFile, 'utf8');
    } catch {
      /* no log yet */
    }
    return text + (output ? `\n--- ceph-mon stdout/stderr ---\n${output}` : '');
  };

  const ceph = (args: string[], o: { timeoutMs?: number } = {}): Promise<ToolResult> => {
    const timeoutMs = o.timeoutMs ?? 60_000;
    const connect = Math.max(5, Math.floor(timeoutMs / 1000) - 5);
    return runToolAsync(...wrap('ceph', ['-c', conf, '--connect-timeout', String(connect), ...args]), {
      timeoutMs,
      env,
    });
  };

  const stop = async (): Promise<void> => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const killTimer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5_000);
      await exitPromise;
      clearTimeout(killTimer);
    }
    liveMons.delete(pid);
    liveCleanups.delete(pid);
    undo();
  };

  const running = (): RunningMon => ({
    pid,
    port,
    conf,
    runDir,
    monData,
    name,
    ceph,
    stop,
    log,
    get exited() {
      return exited;
    },
  });
  if (opts.waitReady === false) return running();

  // Wait (bounded) until the mon answers.
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let last: ToolResult | undefined;
  while (Date.now() < deadline) {
    if (exited) {
      await stop(); // nothing to kill; undoes a runner's exposed dirs
      throw new Error(`startMon: ceph-mon exited before answering.\n${log().slice(-4000)}`);
    }
    last = await ceph(['-s', '-f', 'json'], { timeoutMs: 10_000 });
    if (last.code === 0) return running();
    await sleep(250);
  }
  await stop();
  throw new Error(
    `startMon: no answer from ceph-mon on 127.0.0.1:${port} within the timeout.\n` +
      `last ceph -s: code ${last?.code}\n${last?.stderr.slice(-2000) ?? ''}\n${log().slice(-4000)}`,
  );
}

/**
 * Lines of a monitor's log that complain about a CRC (what a bad full_crc or encoding makes it
 * log); RocksDB's start-up line "Fast CRC32 supported: Supported on x86" is no complaint.
 */
export function monCrcComplaints(log: string): string[] {
  return log.split('\n').filter((l) => /crc/i.test(l) && /mismatch|error|fail|bad/i.test(l) && !/Fast CRC32 supported/.test(l));
}
