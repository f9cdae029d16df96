import { Args } from '@oclif/core';
import { QuorumCommand, clusterFlag } from '../../quorum-command.js';
import { resolveMonitor } from '../../lib/quorum/host/cluster.js';
import { startMonitor } from '../../lib/quorum/host/processes.js';

export default class QuorumStart extends QuorumCommand {
  static override summary = 'Start one stopped monitor of the embedded cluster (by name or rank); it rejoins and catches up.';
  static override examples = ['<%= config.bin %> quorum start b', '<%= config.bin %> quorum start 0'];
  static override args = { monitor: Args.string({ required: true, description: 'Monitor name (a) or rank (0).' }) };
  static override flags = { cluster: clusterFlag };

  async run(): Promise<{ name: string; rank: number; pid: number; started: boolean }> {
    const { args, flags } = await this.parse(QuorumStart);
    const cluster = this.cluster(flags.cluster);
    const { name, rank } = resolveMonitor(cluster, args.monitor);
    const { pid, started } = await startMonitor(cluster, name);
    this.log(started ? `started mon.${name} (pid ${pid})` : `mon.${name} is already running (pid ${pid})`);
    return { name, rank, pid, started };
  }
}
