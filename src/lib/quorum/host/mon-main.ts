/**
 * The entry script of one monitor process: `node mon-main.js <cluster dir> <name>`.
 * Spawned detached by `monctl quorum up|start`; logs to `<cluster>/mon.<name>/log`; writes
 * its pid file once it listens; SIGTERM/SIGINT stop it cleanly (sockets closed, the batch in
 * flight finished, the store closed, the pid file removed).
 */
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../../errors.js';
import { releaseName } from '../../ceph-releases.js';
import { MonStore } from '../../store/index.js';
import { LevelDbBackend } from '../../store/leveldb.js';
import { clusterRelease, loadCluster, monDir, type Cluster } from './cluster.js';
import { createCoreNode, coreCodec } from './core.js';
import { MonitorHost } from './monitor-host.js';
import { logFile, pidFile } from './processes.js';

/** Quincy made RocksDB the monitor store (mon_keyvaluedb); Pacific's default was LevelDB. */
const FIRST_ROCKSDB_RELEASE = 17;

/**
 * A new mon data dir the way `ceph-mon --mkfs` of `release` lays it out: store.db in the
 * release's backend, `kv_backend` naming it and `min_mon_release` naming the release
 * (MonitorDBStore::write_meta: the value and a newline). RocksDB stores are written by the
 * bundled RocksDB 6.17, whose tables and logs every later RocksDB (Reef's and Tentacle's 7.9)
 * reads; its tables stay readable by it, so the monitor keeps writing through it
 * (src/lib/store/rocksdb-open.ts).
 */
async function ensureMonData(dir: string, release: number): Promise<void> {
  const db = join(dir, 'store.db');
  if (existsSync(join(db, 'CURRENT'))) return;
  mkdirSync(db, { recursive: true });
  const backend = release >= FIRST_ROCKSDB_RELEASE ? 'rocksdb' : 'leveldb';
  if (backend === 'rocksdb') {
    const { RocksDbBackend } = await import('../../store/rocksdb.js');
    await (await RocksDbBackend.create(db)).close();
  } else {
    await (await LevelDbBackend.create(db)).close();
  }
  writeFileSync(join(dir, 'kv_backend'), `${backend}\n`);
  writeFileSync(join(dir, 'min_mon_release'), `${releaseName(release)}\n`);
}

async function main(clusterDir: string, name: string): Promise<void> {
  const cluster: Cluster = loadCluster(clusterDir);
  const rank = cluster.config.names.indexOf(name);
  const log = (line: string): void => appendFileSync(logFile(cluster, name), `${new Date().toISOString()} mon.${name}[${process.pid}]: ${line}\n`);
  if (rank < 0) throw new MonctlError('BAD_ARGUMENT', `no monitor ${name} in ${clusterDir}`);
  const dir = monDir(cluster, name);
  await ensureMonData(dir, clusterRelease(cluster));
  const store = await MonStore.open(dir, { write: true });
  let stopping = false;
  const host = new MonitorHost({
    cluster,
    rank,
    store,
    createNode: createCoreNode,
    codec: coreCodec,
    log,
    onFatal: (e) => {
      log(`FATAL: cannot persist to ${dir}: ${(e as Error).message}; exiting`);
      process.exit(1);
    },
  });
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await host.stop();
    await store.close();
    rmSync(pidFile(cluster, name), { force: true });
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await host.start();
  writeFileSync(pidFile(cluster, name), `${process.pid}\n`);
}

const [clusterDir, name] = process.argv.slice(2);
if (clusterDir === undefined || name === undefined) {
  process.stderr.write('usage: mon-main <cluster dir> <monitor name>\n');
  process.exit(2);
}
main(clusterDir, name).catch((e: unknown) => {
  const line = e instanceof MonctlError ? e.describe() : String((e as Error).stack ?? e);
  process.stderr.write(`${new Date().toISOString()} mon.${name}[${process.pid}]: cannot start: ${line}\n`);
  process.exit(e instanceof MonctlError ? e.exitCode : 1);
});
