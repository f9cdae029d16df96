/**
 * Monitor processes: one detached `node mon-main.js <cluster> <name>` per monitor, found
 * again through `<cluster>/mon.<name>/pid`. A pid is only trusted (and only ever signalled)
 * when /proc says that process is our entry script for this very cluster, so a stale pid
 * file can never make monctl kill an unrelated process.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MonctlError } from '../../errors.js';
import { monDir, type Cluster } from './cluster.js';

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './mon-main.ts' : './mon-main.js', import.meta.url);
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export const pidFile = (cluster: Cluster, name: string): string => join(monDir(cluster, name), 'pid');
export const logFile = (cluster: Cluster, name: string): string => join(monDir(cluster, name), 'log');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `node [--import tsx] mon-main <cluster> <name>`: run from source under tsx (tests, dev). */
export function monitorCommand(cluster: Cluster, name: string): string[] {
  const loader = ENTRY.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  // MONCTL_MON_NODE_FLAGS: extra Node flags for each monitor (e.g. --cpu-prof, --trace-gc) when profiling.
  const flags = (process.env.MONCTL_MON_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f.startsWith('--'));
  return [...flags, ...loader, fileURLToPath(ENTRY), cluster.dir, name];
}

function isOurMonitor(pid: number, cluster: Cluster, name: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    const n = argv.length;
    // cmdline ends with "<entry>\0<cluster>\0<name>\0".
    return state !== 'Z' && /mon-main\.[jt]s$/.test(argv[n - 4] ?? '') && argv[n - 3] === cluster.dir && argv[n - 2] === name;
  } catch {
    return false;
  }
}

/** The pid of the running monitor `name`, or undefined. */
export function runningPid(cluster: Cluster, name: string): number | undefined {
  const file = pidFile(cluster, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isOurMonitor(pid, cluster, name) ? pid : undefined;
}

function logTail(cluster: Cluster, name: string): string {
  try {
    return readFileSync(logFile(cluster, name), 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}

/** Starts monitor `name` detached (no-op when it already runs); resolves once it listens. */
export async function startMonitor(cluster: Cluster, name: string): Promise<{ pid: number; started: boolean }> {
  const running = runningPid(cluster, name);
  if (running !== undefined) return { pid: running, started: false };
  rmSync(pidFile(cluster, name), { force: true });
  const fd = openSync(logFile(cluster, name), 'a', 0o600);
  const child = spawn(process.execPath, monitorCommand(cluster, name), { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exitCode: number | null | undefined;
  child.on('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  child.unref();
  const pid = child.pid;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (pid !== undefined && exitCode === undefined && Date.now() < deadline) {
    if (runningPid(cluster, name) === pid) return { pid, started: true };
    await sleep(25);
  }
  if (pid !== undefined && exitCode === undefined) process.kill(pid, 'SIGKILL');
  throw new MonctlError('QUORUM_UNAVAILABLE', `mon.${name} did not start (${exitCode === undefined ? 'timed out' : `exit ${exitCode}`}): ${logTail(cluster, name)}`, {
    actions: [`Read ${logFile(cluster, name)}; a port in use or a store held by another process are the usual causes.`],
  });
}

/** Stops monitor `name`: SIGTERM, then SIGKILL after a grace period. False if it was not running. */
export async function stopMonitor(cluster: Cluster, name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  const pid = runningPid(cluster, name);
  if (pid === undefined) {
    rmSync(pidFile(cluster, name), { force: true });
    return false;
  }
  process.kill(pid, signal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isOurMonitor(pid, cluster, name)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await sleep(100);
      break;
    }
    await sleep(20);
  }
  rmSync(pidFile(cluster, name), { force: true });
  return true;
}
