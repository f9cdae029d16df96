/**
 * The embedded quorum on loopback: 3 monitor processes, every Ready persisted as one synced
 * LevelDB batch. Measures
 *   - this machine's fsync cost: N synced classic-level batch writes, one at a time;
 *   - commit latency of one mutation (one client, one mutation at a time): p50 / p99;
 *   - throughput with many concurrent clients (acked mutations per second).
 * Every phase is bounded in count and in time; every monitor is killed by pid at the end.
 *
 *   node --import tsx bench/quorum.ts [--warmup 1000] [--latency 1000] [--clients 256] [--seconds 5] [--release reef]
 *
 * MONCTL_MON_NODE_FLAGS="--cpu-prof" (or --trace-gc, --perf-basic-prof) profiles the monitors;
 * MONCTL_QUORUM_TRACE=<file> records every hop of every mutation (see monitor-host.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClassicLevel } from 'classic-level';
import type { Mutation } from '../src/lib/quorum/api.js';
import { QuorumClient } from '../src/lib/quorum/host/client.js';
import { parseRelease, releaseName } from '../src/lib/ceph-releases.js';
import { downCluster, upCluster } from '../src/lib/quorum/host/lifecycle.js';
import { runningPid } from '../src/lib/quorum/host/processes.js';
import { cpuMsOf, percentile } from './proc.js';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '256' },
    seconds: { type: 'string', default: '5' },
    fsyncs: { type: 'string', default: '100' },
    release: { type: 'string', default: 'pacific' },
  },
});
const LATENCY_N = Math.min(Number(values.latency), 5_000);
const WARMUP_N = Math.min(Number(values.warmup), 5_000);
const CLIENTS = Math.min(Number(values.clients), 512);
const THROUGHPUT_MS = Math.min(Number(values.seconds), 60) * 1000;
const FSYNC_N = Math.min(Number(values.fsyncs), 5_000);
/** The cluster's release: LevelDB stores for pacific, RocksDB from quincy on. */
const RELEASE = (() => {
  const r = parseRelease(values.release!);
  if ('error' in r) throw new Error(r.error);
  return r.release;
})();
const OSDS = 8;
const FSYNC_IDLE_MS = 20;

const hr = (): number => Number(process.hrtime.bigint()) / 1e6;
const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

/**
 * N synced batches of a paxos-sized value (2.5 KiB): back to back, and each after `idleMs`
 * without I/O — a monitor's writes are the second kind, and on a shared disk an isolated
 * fsync can cost far more than one that follows another.
 */
async function fsyncCost(dir: string, idleMs: number): Promise<number[]> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, `fsync-${idleMs}.db`), { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const value = new Uint8Array(2560);
  const times: number[] = [];
  const deadline = hr() + 30_000;
  for (let i = 0; i < FSYNC_N && hr() < deadline; i++) {
    if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
    const t0 = hr();
    await db.batch([{ type: 'put', key: Buffer.from(`paxos\0${i}`), value }], { sync: true });
    times.push(hr() - t0);
  }
  await db.close();
  return times;
}

const reweight = (i: number): Mutation => ({ op: 'osd-reweight', id: i % OSDS, weight: ((i * 7919) % 1000) / 1000 });

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'monctl-bench-quorum-'));
  const loadBefore = loadavg()[0]!;
  const pids: number[] = [];
  try {
    const fsync = await fsyncCost(root, 0);
    const fsyncIdle = await fsyncCost(root, FSYNC_IDLE_MS);
    const { cluster } = await upCluster(join(root, 'cluster'), 3, undefined, RELEASE);
    for (const n of cluster.config.names) pids.push(runningPid(cluster, n)!);
    const setup = new QuorumClient(cluster);
    for (let i = 0; i < OSDS; i++) await setup.submit({ op: 'osd-create' });

    // Warm-up: the same loop, unmeasured, so the latency below is the steady state (code
    // optimised by the JIT, heaps grown, a paxos trim or two done), not start-up.
    const warmDeadline = hr() + 30_000;
    for (let i = 0; i < WARMUP_N && hr() < warmDeadline; i++) await setup.submit(reweight(i));

    // Latency: one mutation in flight.
    const lat: number[] = [];
    const cpuBefore = [...pids, 'self' as const].map(cpuMsOf);
    const latDeadline = hr() + 60_000;
    for (let i = 0; i < LATENCY_N && hr() < latDeadline; i++) {
      const t0 = hr();
      await setup.submit(reweight(i));
      lat.push(hr() - t0);
    }
    const cpuPerMutation = [...pids, 'self' as const].map((p, i) => (cpuMsOf(p) - cpuBefore[i]!) / Math.max(1, lat.length));
    setup.close();

    const probe = new QuorumClient(cluster);
    const paxosBefore = (await probe.status(0)).paxos.last_committed;
    // Throughput: CLIENTS clients, each with one mutation in flight, for THROUGHPUT_MS.
    const clients = Array.from({ length: CLIENTS }, () => new QuorumClient(cluster, { timeoutMs: 30_000 }));
    let acked = 0;
    const t0 = hr();
    const end = t0 + THROUGHPUT_MS;
    await Promise.all(
      clients.map(async (c, k) => {
        for (let i = 0; hr() < end; i++) {
          await c.submit(reweight(k * 1_000_003 + i));
          acked++;
        }
      }),
    );
    const seconds = (hr() - t0) / 1000;
    for (const c of clients) c.close();
    const status = await probe.status(0);
    probe.close();
    const commits = status.paxos.last_committed - paxosBefore;

    console.log(`embedded quorum, 3 ${releaseName(RELEASE)} monitors on 127.0.0.1, every Ready one synced ${RELEASE >= 17 ? 'RocksDB' : 'LevelDB'} batch`);
    console.log(`  machine: 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after (the numbers below are only comparable at a similar load)`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`  fsync (synced classic-level batch, ${fsync.length} writes back to back): p50 ${fmt(percentile(fsync, 50))}  p99 ${fmt(percentile(fsync, 99))}  mean ${fmt(mean(fsync))}`);
    console.log(`  fsync (each after ${FSYNC_IDLE_MS} ms idle, ${fsyncIdle.length} writes):        p50 ${fmt(percentile(fsyncIdle, 50))}  p99 ${fmt(percentile(fsyncIdle, 99))}  mean ${fmt(mean(fsyncIdle))}`);
    console.log('  (a commit waits for 3 synced batches in turn: leader begin, peon accept, leader commit)');
    console.log(`  commit latency (1 client, ${lat.length} mutations after ${WARMUP_N} unmeasured): p50 ${fmt(percentile(lat, 50))}  p99 ${fmt(percentile(lat, 99))}  (targets 2 ms / 10 ms)`);
    console.log(`  commit latency mean ${fmt(mean(lat))}`);
    const names = [...cluster.config.names.map((n) => `mon.${n}`), 'client'];
    console.log(`  CPU per mutation in the latency phase: ${cpuPerMutation.map((c, i) => `${names[i]} ${c.toFixed(2)} ms`).join(', ')}`);
    console.log(`  throughput (${CLIENTS} clients, ${seconds.toFixed(1)} s):           ${Math.round(acked / seconds)} acked mutations/s (target 5000), ${(acked / Math.max(1, commits)).toFixed(1)} mutations per paxos commit`);
    console.log(`  final: paxos last_committed ${status.paxos.last_committed}, osdmap e${status.osdmap_epoch} (${acked + lat.length + WARMUP_N + OSDS} mutations acked)`);
    await downCluster(cluster);
  } finally {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already stopped */
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
