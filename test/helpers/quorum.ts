/**
 * Real-process quorum tests: every monitor pid a test ever saw is remembered and SIGKILLed
 * by PID at the end (and at process exit), whatever happened in between.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCluster, type Cluster } from '../../src/lib/quorum/host/cluster.js';
import { QuorumClient } from '../../src/lib/quorum/host/client.js';
import { pidFile } from '../../src/lib/quorum/host/processes.js';
import { clusterStatus, type ClusterStatus } from '../../src/lib/quorum/host/status.js';
import { MonStore } from '../../src/lib/store/index.js';

const seen = new Set<number>();
process.on('exit', () => killSeen());

/** Records the pid of every monitor of the cluster that has a pid file now. */
export function notePids(cluster: Cluster): number[] {
  const pids: number[] = [];
  for (const name of cluster.config.names) {
    const f = pidFile(cluster, name);
    if (!existsSync(f)) continue;
    const pid = Number(readFileSync(f, 'utf8').trim());
    if (pid > 0) {
      seen.add(pid);
      pids.push(pid);
    }
  }
  return pids;
}

/** SIGKILL every monitor pid recorded (already-gone pids are fine). */
export function killSeen(): void {
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  seen.clear();
}

export function openCluster(dir: string): Cluster {
  const c = loadCluster(dir);
  notePids(c);
  return c;
}

export async function statusOf(cluster: Cluster): Promise<ClusterStatus> {
  const client = new QuorumClient(cluster, { attemptMs: 500 });
  try {
    return await clusterStatus(cluster, client);
  } finally {
    client.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` every 50 ms for up to `ms`; the last value it saw. */
export async function until<T>(ms: number, probe: () => Promise<T>, pred: (v: T) => boolean): Promise<{ value: T; ok: boolean; elapsedMs: number }> {
  const t0 = Date.now();
  let value = await probe();
  while (!pred(value) && Date.now() - t0 < ms) {
    await sleep(50);
    value = await probe();
  }
  return { value, ok: pred(value), elapsedMs: Date.now() - t0 };
}

/** Every key of a stopped monitor's store, `prefix\0key` → hex of the value. */
export async function storeKeys(dir: string, prefixes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await MonStore.with(dir, {}, async (s) => {
    for (const prefix of prefixes) for await (const e of s.entries({ prefix })) out.set(`${prefix}\0${e.key}`, Buffer.from(e.value).toString('hex'));
  });
  return out;
}

export const monPath = (cluster: Cluster, name: string): string => join(cluster.dir, `mon.${name}`);
