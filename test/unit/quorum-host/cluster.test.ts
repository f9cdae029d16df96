/**
 * The cluster directory: a new cluster's files (secret 0600, config, one dir per monitor),
 * reopening it, refusing a different size or port base, naming monitors by name or rank, and
 * never trusting a pid file that names some other process.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterDirFrom, createCluster, loadCluster, openOrCreateCluster, resolveMonitor } from '../../../src/lib/quorum/host/cluster.js';
import { pidFile, runningPid, stopMonitor } from '../../../src/lib/quorum/host/processes.js';
import { tempDir } from '../../helpers/stores.js';

describe('cluster directory', () => {
  const tmp = tempDir('cluster');
  afterAll(() => tmp.cleanup());

  it('creates a config, a 0600 secret and a dir per monitor, and reopens it', async () => {
    const dir = join(tmp.dir, 'c1');
    const { cluster, created } = await openOrCreateCluster(dir, 5, 17000);
    expect(created).toBe(true);
    expect(cluster.config.names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(cluster.config.ports).toEqual([17000, 17001, 17002, 17003, 17004]);
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(cluster.secret.length).toBe(32);
    for (const n of cluster.config.names) expect(statSync(join(dir, `mon.${n}`)).isDirectory()).toBe(true);
    const again = await openOrCreateCluster(dir, undefined, undefined);
    expect(again.created).toBe(false);
    expect(again.cluster.config).toEqual(cluster.config);
    expect(again.cluster.secret.equals(cluster.secret)).toBe(true);
  });

  it('refuses another monitor count or port base for an existing cluster', async () => {
    const dir = join(tmp.dir, 'c2');
    await createCluster(dir, 3, 18000);
    await expect(openOrCreateCluster(dir, 5, undefined)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(openOrCreateCluster(dir, 3, 19000)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(createCluster(join(tmp.dir, 'c3'), 0)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('says CLUSTER_NOT_FOUND with an action when there is no cluster', () => {
    expect(() => loadCluster(join(tmp.dir, 'nothing'))).toThrow(expect.objectContaining({ code: 'CLUSTER_NOT_FOUND', exitCode: 2 }));
    expect(clusterDirFrom(undefined, '/x')).toBe(process.env.MONCTL_CLUSTER ? clusterDirFrom(process.env.MONCTL_CLUSTER, '/x') : '/x/monctl-cluster');
  });

  it('names monitors by name or rank', async () => {
    const c = await createCluster(join(tmp.dir, 'c4'), 3, 20000);
    expect(resolveMonitor(c, 'b')).toEqual({ rank: 1, name: 'b' });
    expect(resolveMonitor(c, '2')).toEqual({ rank: 2, name: 'c' });
    expect(() => resolveMonitor(c, '3')).toThrow(/no monitor 3/);
    expect(() => resolveMonitor(c, 'x')).toThrow(/no monitor x/);
  });

  it('never trusts (or signals) a pid file naming another process', async () => {
    const c = await createCluster(join(tmp.dir, 'c5'), 1, 21000);
    // This test process is alive but is not a monitor of c: its pid must be ignored.
    writeFileSync(pidFile(c, 'a'), `${process.pid}\n`);
    expect(runningPid(c, 'a')).toBeUndefined();
    expect(await stopMonitor(c, 'a')).toBe(false);
    writeFileSync(pidFile(c, 'a'), 'garbage\n');
    expect(runningPid(c, 'a')).toBeUndefined();
  });
});
