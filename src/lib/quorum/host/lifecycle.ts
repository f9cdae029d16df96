/** Bringing a whole embedded cluster up and down (what `quorum up` and `quorum down` do). */
import { openOrCreateCluster, type Cluster } from './cluster.js';
import { QuorumClient } from './client.js';
import { startMonitor, stopMonitor } from './processes.js';
import { waitForQuorum, type ClusterStatus } from './status.js';

export const QUORUM_WAIT_MS = 30_000;

export interface UpResult {
  created: boolean;
  /** Names of the monitors this call started (the others were already running). */
  started: string[];
  status: ClusterStatus;
}

/**
 * Creates (of `release`, default Pacific) or reopens `dir`, starts every monitor that is not
 * running, waits for a full quorum.
 */
export async function upCluster(dir: string, n: number | undefined, basePort: number | undefined, release?: number): Promise<{ cluster: Cluster } & UpResult> {
  const { cluster, created } = await openOrCreateCluster(dir, n, basePort, release);
  const started: string[] = [];
  try {
    await Promise.all(
      cluster.config.names.map(async (name) => {
        if ((await startMonitor(cluster, name)).started) started.push(name);
      }),
    );
    started.sort();
    const client = new QuorumClient(cluster);
    try {
      return { cluster, created, started, status: await waitForQuorum(cluster, client, cluster.config.names.length, QUORUM_WAIT_MS) };
    } finally {
      client.close();
    }
  } catch (e) {
    // Leave nothing half-started behind this call.
    await Promise.all(started.map((name) => stopMonitor(cluster, name)));
    throw e;
  }
}

/** Stops every running monitor (SIGTERM, then SIGKILL after a grace period). */
export async function downCluster(cluster: Cluster): Promise<string[]> {
  const stopped = await Promise.all(cluster.config.names.map((name) => stopMonitor(cluster, name)));
  return cluster.config.names.filter((_, i) => stopped[i]);
}
