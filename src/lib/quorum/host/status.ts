/**
 * `monctl quorum status`: Ceph's quorum_status fields (election_epoch, quorum, quorum_names,
 * quorum_leader_name, monmap) as the leader reports them, plus each monitor's own view.
 */
import type { QuorumStatus } from '../api.js';
import { MonctlError } from '../../errors.js';
import { monAddr, type Cluster } from './cluster.js';
import type { QuorumClient } from './client.js';
import { runningPid } from './processes.js';

export interface MonitorView {
  name: string;
  rank: number;
  addr: string;
  pid?: number;
  running: boolean;
  state?: QuorumStatus['state'];
  election_epoch?: number;
  paxos?: QuorumStatus['paxos'];
  osdmap_epoch?: number;
  error?: string;
}

export interface ClusterStatus {
  cluster: string;
  fsid: string;
  election_epoch: number;
  quorum: number[];
  quorum_names: string[];
  quorum_leader_name?: string;
  monmap?: QuorumStatus['monmap'];
  paxos?: QuorumStatus['paxos'];
  osdmap_epoch?: number;
  monitors: MonitorView[];
}

/** Asks every monitor; the leader's view (else the newest election's) is the cluster's. */
export async function clusterStatus(cluster: Cluster, client: QuorumClient): Promise<ClusterStatus> {
  const answers = await client.statusAll();
  const monitors: MonitorView[] = answers.map(({ rank, name, status, error }) => {
    const pid = runningPid(cluster, name);
    const view: MonitorView = { name, rank, addr: monAddr(cluster.config.ports[rank]!), ...(pid !== undefined ? { pid } : {}), running: pid !== undefined };
    if (status === undefined) return { ...view, error: pid === undefined ? 'not running' : (error ?? 'no answer') };
    return { ...view, state: status.state, election_epoch: status.election_epoch, paxos: status.paxos, osdmap_epoch: status.osdmap_epoch };
  });
  const views = answers.flatMap((a) => (a.status ? [a.status] : []));
  const best = views.find((s) => s.state === 'leader') ?? [...views].sort((x, y) => y.election_epoch - x.election_epoch)[0];
  return {
    cluster: cluster.dir,
    fsid: cluster.config.fsid,
    election_epoch: best?.election_epoch ?? 0,
    quorum: best?.quorum ?? [],
    quorum_names: best?.quorum_names ?? [],
    ...(best?.quorum_leader_name !== undefined ? { quorum_leader_name: best.quorum_leader_name } : {}),
    ...(best ? { monmap: best.monmap, paxos: best.paxos, osdmap_epoch: best.osdmap_epoch } : {}),
    monitors,
  };
}

/** True when a leader holds a quorum that every running, answering monitor agrees on. */
export function hasQuorum(s: ClusterStatus, need: number): boolean {
  if (s.quorum_leader_name === undefined || s.quorum.length < need) return false;
  return s.monitors.every((m) => m.state === undefined || m.state === 'leader' || m.state === 'peon' || !s.quorum.includes(m.rank));
}

/** Polls until a quorum of at least `need` members has a leader (bounded). */
export async function waitForQuorum(cluster: Cluster, client: QuorumClient, need: number, timeoutMs: number): Promise<ClusterStatus> {
  const deadline = Date.now() + timeoutMs;
  let s = await clusterStatus(cluster, client);
  while (!hasQuorum(s, need)) {
    if (Date.now() > deadline) {
      throw new MonctlError('QUORUM_UNAVAILABLE', `no quorum of ${need} formed in ${cluster.dir} within ${timeoutMs / 1000} s`, {
        actions: [`Read the monitors' logs (${cluster.dir}/mon.<name>/log); \`monctl quorum status\` shows each one's state.`],
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    s = await clusterStatus(cluster, client);
  }
  return s;
}

/** The status as lines of text (one for the quorum, one per monitor). */
export function renderStatus(s: ClusterStatus): string[] {
  const lines = [
    `cluster ${s.cluster} fsid ${s.fsid}`,
    s.quorum_leader_name === undefined
      ? `no quorum (election epoch ${s.election_epoch})`
      : `election epoch ${s.election_epoch}, leader ${s.monitors.find((m) => m.name === s.quorum_leader_name)?.rank ?? '?'} ${s.quorum_leader_name}, quorum ${s.quorum.join(',')} ${s.quorum_names.join(',')}` +
        `, paxos ${s.paxos?.first_committed ?? 0}..${s.paxos?.last_committed ?? 0}, osdmap e${s.osdmap_epoch ?? 0}`,
  ];
  for (const m of s.monitors) {
    const where = `mon.${m.name} rank ${m.rank} ${m.addr}`;
    if (m.state === undefined) lines.push(`  ${where}  ${m.error ?? 'down'}`);
    else lines.push(`  ${where}  ${m.state.padEnd(7)} pid ${m.pid ?? '?'}  paxos ${m.paxos?.first_committed}..${m.paxos?.last_committed}  osdmap e${m.osdmap_epoch}`);
  }
  return lines;
}
