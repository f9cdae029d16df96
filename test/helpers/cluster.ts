/**
 * A real multi-monitor Ceph cluster on 127.0.0.1 (anchors §2.8): one monmap with every mon
 * on its own free port (msgr2 only, auth none), mkfs of each from it, all started; resolves
 * once every mon is in quorum. Each mon is a startMon() process: killed by PID on stop or
 * at exit.
 */
import * as path from 'node:path';
import { FIXTURE_FSID, freePort, makeTempDir, runTool, startMon, type Backend, type RunningMon } from './ceph.js';

export interface Cluster {
  dir: string;
  names: string[];
  ports: Record<string, number>;
  monHost: string;
  mons: RunningMon[];
  monData(name: string): string;
  /** `ceph` against the cluster (through the first running mon's config). */
  ceph(args: string[], opts?: { timeoutMs?: number }): ReturnType<RunningMon['ceph']>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function quorumNames(mon: RunningMon, timeoutMs = 20_000): Promise<string[] | undefined> {
  const r = await mon.ceph(['quorum_status', '-f', 'json'], { timeoutMs });
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as { quorum_names: string[] }).quorum_names;
}

/** Polls until `quorum_status` names exactly `want` (sorted), or throws with the mons' logs. */
export async function waitForQuorum(mon: RunningMon, want: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] | undefined;
  while (Date.now() < deadline) {
    last = await quorumNames(mon, 15_000);
    if (last && [...last].sort().join(',') === [...want].sort().join(',')) return;
    await sleep(500);
  }
  throw new Error(`no quorum of ${want.join(',')} within ${timeoutMs} ms (last: ${last?.join(',') ?? 'no answer'})\n${mon.log().slice(-3000)}`);
}

export async function startCluster(names = ['a', 'b', 'c'], backend: Backend = 'rocksdb'): Promise<Cluster> {
  const dir = makeTempDir('monctl-cluster-');
  const ports: Record<string, number> = {};
  for (const n of names) ports[n] = await freePort();
  const monHost = names.map((n) => `v2:127.0.0.1:${ports[n]}`).join(',');
  const monmap = path.join(dir, 'monmap');
  const args = ['--create', '--fsid', FIXTURE_FSID, '--enable-all-features', '--set-min-mon-release', 'pacific'];
  for (const n of names) args.push('--addv', n, `[v2:127.0.0.1:${ports[n]}]`);
  const made = runTool('monmaptool', [...args, monmap]);
  if (made.code !== 0) throw new Error(`monmaptool failed: ${made.stderr}`);
  const monData = (n: string) => path.join(dir, `mon-${n}`);
  const mons: RunningMon[] = [];
  const cluster: Cluster = {
    dir,
    names,
    ports,
    monHost,
    mons,
    monData,
    ceph: (a, o) => mons.find((m) => !m.exited)!.ceph(a, o),
    stop: async () => {
      for (const m of mons) await m.stop();
    },
  };
  try {
    for (const n of names) {
      mons.push(await startMon({ monData: monData(n), name: n, mkfs: true, backend, monmap, port: ports[n], monHost, waitReady: false }));
    }
    await waitForQuorum(mons[0]!, names);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
