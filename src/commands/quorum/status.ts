import { QuorumCommand, clusterFlag } from '../../quorum-command.js';
import { QuorumClient, clusterStopped, unavailable } from '../../lib/quorum/host/client.js';
import { runningPid } from '../../lib/quorum/host/processes.js';
import { clusterStatus, renderStatus, type ClusterStatus } from '../../lib/quorum/host/status.js';

export default class QuorumStatus extends QuorumCommand {
  static override summary = 'Show the embedded quorum: leader, election epoch, members, paxos versions, osdmap epoch.';
  static override description = '--json uses Ceph\'s quorum_status field names (election_epoch, quorum, quorum_names, quorum_leader_name, monmap), plus paxos, osdmap_epoch and each monitor\'s own view.';
  static override examples = ['<%= config.bin %> quorum status', '<%= config.bin %> quorum status --cluster ./lab --json'];
  static override flags = { cluster: clusterFlag };

  async run(): Promise<ClusterStatus> {
    const { flags } = await this.parse(QuorumStatus);
    const cluster = this.cluster(flags.cluster);
    if (cluster.config.names.every((n) => runningPid(cluster, n) === undefined)) throw clusterStopped(cluster);
    const client = new QuorumClient(cluster, { attemptMs: 1_000 });
    try {
      const s = await clusterStatus(cluster, client);
      if (s.monitors.every((m) => m.state === undefined)) throw unavailable(cluster, 'no running monitor answered');
      for (const line of renderStatus(s)) this.log(line);
      return s;
    } finally {
      client.close();
    }
  }
}
