import { QuorumCommand, clusterFlag } from '../../quorum-command.js';
import { downCluster } from '../../lib/quorum/host/lifecycle.js';

export default class QuorumDown extends QuorumCommand {
  static override summary = 'Stop every monitor of the embedded cluster (their stores stay for the offline commands).';
  static override description = 'SIGTERM, then SIGKILL after 10 s. Afterwards `--store <cluster>/mon.a` works with every offline command and with ceph-monstore-tool.';
  static override examples = ['<%= config.bin %> quorum down', '<%= config.bin %> quorum down --cluster ./lab'];
  static override flags = { cluster: clusterFlag };

  async run(): Promise<{ stopped: string[] }> {
    const { flags } = await this.parse(QuorumDown);
    const stopped = await downCluster(this.cluster(flags.cluster));
    this.log(stopped.length > 0 ? `stopped ${stopped.map((n) => `mon.${n}`).join(' ')}` : 'no monitor was running');
    return { stopped };
  }
}
