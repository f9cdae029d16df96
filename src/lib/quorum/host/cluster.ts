/**
 * The cluster directory of an embedded quorum:
 *
 *   <cluster>/cluster.json          names, ports, fsid, seed, release (what every process reads)
 *   <cluster>/secret                32 random bytes, hex, mode 0600: the HMAC key
 *   <cluster>/mon.<name>/store.db   the monitor's store, in its release's layout: LevelDB for
 *                                   Pacific, RocksDB from Quincy on (as ceph-mon --mkfs makes it)
 *   <cluster>/mon.<name>/kv_backend `leveldb` or `rocksdb`, and min_mon_release (the release
 *                                   name), as ceph-mon writes them
 *   <cluster>/mon.<name>/log        the monitor's log
 *   <cluster>/mon.<name>/pid        present while the monitor runs
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { OLDEST_KNOWN_RELEASE, releaseName } from '../../ceph-releases.js';
import { MonctlError } from '../../errors.js';

export const DEFAULT_CLUSTER_DIR = 'monctl-cluster';
const CONFIG_FILE = 'cluster.json';
const SECRET_FILE = 'secret';
export const MAX_MONITORS = 9;

export interface ClusterConfig {
  fsid: string;
  names: string[];
  ports: number[];
  seed: number;
  /** The Ceph release the cluster is (16–20); clusters made before releases were chosen are Pacific. */
  release?: number;
}

/** The release of a cluster (Pacific when its config predates the choice). */
export function clusterRelease(cluster: Cluster): number {
  return cluster.config.release ?? OLDEST_KNOWN_RELEASE;
}

export interface Cluster {
  dir: string;
  config: ClusterConfig;
  secret: Buffer;
}

const MON_NAMES = 'abcdefghi';

export function clusterDirFrom(flag: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, flag ?? process.env.MONCTL_CLUSTER ?? DEFAULT_CLUSTER_DIR);
}

export function monDir(cluster: Cluster | string, name: string): string {
  return join(typeof cluster === 'string' ? cluster : cluster.dir, `mon.${name}`);
}

export function monAddr(port: number): string {
  return `127.0.0.1:${port}`;
}

export function loadCluster(dir: string): Cluster {
  const file = join(dir, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new MonctlError('CLUSTER_NOT_FOUND', `no embedded cluster in ${dir} (no ${CONFIG_FILE})`, {
      actions: ['Create one with `monctl quorum up`, or pass --cluster <dir> (default ./monctl-cluster, or $MONCTL_CLUSTER).'],
    });
  }
  let config: ClusterConfig;
  let secret: Buffer;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as ClusterConfig;
    secret = Buffer.from(readFileSync(join(dir, SECRET_FILE), 'utf8').trim(), 'hex');
  } catch (e) {
    throw new MonctlError('IO_ERROR', `cannot read the cluster in ${dir}: ${(e as Error).message}`, {
      cause: e,
      actions: [`Check ${file} and ${join(dir, SECRET_FILE)}; a cluster whose files are lost must be created again.`],
    });
  }
  const valid =
    Array.isArray(config.names) &&
    Array.isArray(config.ports) &&
    config.names.length === config.ports.length &&
    typeof config.fsid === 'string' &&
    (config.release === undefined || Number.isInteger(config.release));
  if (!valid || secret.length < 16) {
    throw new MonctlError('DECODE_INVALID', `${file} or its secret is not a monctl cluster config`, {
      actions: ['Remove the directory and create the cluster again with `monctl quorum up`.'],
    });
  }
  return { dir, config, secret };
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Creates `<dir>` with a config for `n` monitors of `release` (ports base..base+n-1, or free ones). */
export async function createCluster(dir: string, n: number, basePort?: number, release = OLDEST_KNOWN_RELEASE): Promise<Cluster> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_MONITORS) {
    throw new MonctlError('BAD_ARGUMENT', `-n must be 1..${MAX_MONITORS}, got ${n}`, { actions: ['Use an odd count such as 3 or 5.'] });
  }
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(basePort !== undefined ? basePort + i : await freePort());
  const config: ClusterConfig = { fsid: randomUUID(), names: [...MON_NAMES.slice(0, n)], ports, seed: randomBytes(4).readUInt32LE(0), release };
  mkdirSync(dir, { recursive: true });
  const secretFile = join(dir, SECRET_FILE);
  writeFileSync(secretFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
  for (const name of config.names) mkdirSync(monDir(dir, name), { recursive: true });
  return loadCluster(dir);
}

/**
 * Opens the cluster in `dir`, creating it (of `release`, default Pacific) when absent; a
 * different -n, port base or release is refused.
 */
export async function openOrCreateCluster(dir: string, n: number | undefined, basePort?: number, release?: number): Promise<{ cluster: Cluster; created: boolean }> {
  if (!existsSync(join(dir, CONFIG_FILE))) return { cluster: await createCluster(dir, n ?? 3, basePort, release), created: true };
  const cluster = loadCluster(dir);
  if (release !== undefined && release !== clusterRelease(cluster)) {
    throw new MonctlError('BAD_ARGUMENT', `${dir} holds a ${releaseName(clusterRelease(cluster))} cluster, not ${releaseName(release)}`, {
      actions: ['Drop --release (and MONCTL_RELEASE) to reopen it as it is, or use another --dir for a cluster of that release.'],
    });
  }
  if (n !== undefined && n !== cluster.config.names.length) {
    throw new MonctlError('BAD_ARGUMENT', `${dir} holds a cluster of ${cluster.config.names.length} monitors, not ${n}`, {
      actions: [`Run \`monctl quorum up\` without -n to reopen it, or use another --dir for a new cluster.`],
    });
  }
  if (basePort !== undefined && basePort !== cluster.config.ports[0]) {
    throw new MonctlError('BAD_ARGUMENT', `${dir} uses ports from ${cluster.config.ports[0]}, not ${basePort}`, {
      actions: ['Drop --base-port to reopen the cluster on its own ports.'],
    });
  }
  return { cluster, created: false };
}

/** A monitor named by name (`a`) or rank (`0`). */
export function resolveMonitor(cluster: Cluster, nameOrRank: string): { rank: number; name: string } {
  const byName = cluster.config.names.indexOf(nameOrRank);
  if (byName >= 0) return { rank: byName, name: nameOrRank };
  const rank = /^\d+$/.test(nameOrRank) ? Number(nameOrRank) : -1;
  const name = cluster.config.names[rank];
  if (name === undefined) {
    throw new MonctlError('BAD_ARGUMENT', `no monitor ${nameOrRank} in ${cluster.dir}`, {
      actions: [`Name one of ${cluster.config.names.join(', ')} or a rank 0..${cluster.config.names.length - 1}.`],
    });
  }
  return { rank, name };
}
