import { Flags } from '@oclif/core';
import { QuorumCommand } from '../../quorum-command.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import { releaseName } from '../../lib/ceph-releases.js';
import { clusterDirFrom, clusterRelease } from '../../lib/quorum/host/cluster.js';
import { downCluster, upCluster, type UpResult } from '../../lib/quorum/host/lifecycle.js';
import { renderStatus } from '../../lib/quorum/host/status.js';
import { watchStatus } from '../../lib/quorum/host/watch.js';

export default class QuorumUp extends QuorumCommand {
  static override summary = 'Start an embedded monitor quorum on 127.0.0.1 (creating the cluster on first use).';
  static override description =
    'Each monitor is its own process with a mon store in <dir>/mon.<name>, in the layout and encodings of the cluster\'s release ' +
    '(--release, for a new cluster; default pacific): LevelDB for Pacific, RocksDB from Quincy on, with kv_backend and min_mon_release ' +
    'beside it, so that release\'s ceph-monstore-tool and osdmaptool read it. ' +
    'Peers and clients authenticate with an HMAC on <dir>/secret. Without --detach, shows live status (leader, election epoch, paxos versions, osdmap epoch) until Ctrl-C, which stops every monitor.';
  static override examples = [
    '<%= config.bin %> quorum up',
    '<%= config.bin %> quorum up -n 5 --dir ./lab --base-port 17000 --detach',
    '<%= config.bin %> quorum up --release reef --dir ./reef-lab --detach',
  ];
  static override flags = {
    monitors: Flags.integer({ char: 'n', summary: 'Number of monitors (new cluster: default 3; existing: must match).', min: 1, max: 9 }),
    dir: Flags.string({ char: 'd', aliases: ['cluster'], summary: 'The cluster directory (default: ./monctl-cluster, or $MONCTL_CLUSTER).' }),
    'base-port': Flags.integer({ summary: 'First TCP port on 127.0.0.1 (default: free ports, chosen once).', min: 1024, max: 65000 }),
    detach: Flags.boolean({ summary: 'Start the monitors and return (stop them with `monctl quorum down`).' }),
    release: releaseFlag(),
  };

  async run(): Promise<UpResult> {
    const { flags } = await this.parse(QuorumUp);
    const { cluster, created, started, status } = await upCluster(clusterDirFrom(flags.dir), flags.monitors, flags['base-port'], flags.release);
    this.log(`${created ? 'created' : 'reopened'} ${cluster.dir} (${releaseName(clusterRelease(cluster))}); started ${started.length > 0 ? started.map((n) => `mon.${n}`).join(' ') : 'nothing (all running)'}`);
    if (flags.detach || this.jsonEnabled()) {
      for (const line of renderStatus(status)) this.log(line);
      return { created, started, status };
    }
    const last = await watchStatus(cluster, process.stdout);
    const stopped = await downCluster(cluster);
    this.log(`stopped ${stopped.map((n) => `mon.${n}`).join(' ') || 'nothing'}`);
    return { created, started, status: last ?? status };
  }
}
