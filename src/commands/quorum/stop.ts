import { Args } from '@oclif/core';
import { QuorumCommand, clusterFlag } from '../../quorum-command.js';
import { resolveMonitor } from '../../lib/quorum/host/cluster.js';
import { stopMonitor } from '../../lib/quorum/host/processes.js';

export default class QuorumStop extends QuorumCommand {
  static override summary = 'Stop one monitor of the embedded cluster (by name or rank).';
  static override examples = ['<%= config.bin %> quorum stop b', '<%= config.bin %> quorum stop 0'];
  static override args = { monitor: Args.string({ required: true, description: 'Monitor name (a) or rank (0).' }) };
  static override flags = { cluster: clusterFlag };

  async run(): Promise<{ name: string; rank: number; stopped: boolean }> {
    const { args, flags } = await this.parse(QuorumStop);
    const cluster = this.cluster(flags.cluster);
    const { name, rank } = resolveMonitor(cluster, args.monitor);
    const stopped = await stopMonitor(cluster, name);
    this.log(stopped ? `stopped mon.${name}` : `mon.${name} was not running`);
    return { name, rank, stopped };
  }
}
