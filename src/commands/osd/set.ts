import { Args } from '@oclif/core';
import { QuorumCommand, mutationFlags, type MutationResult } from '../../quorum-command.js';
import { offlineStoreFlag, offlineStoreRefusal } from '../../lib/cli/offline-equivalent.js';

export default class OsdSet extends QuorumCommand {
  static override summary = 'Set a cluster-wide OSD flag in the running embedded cluster (as `ceph osd set`).';
  static override description = 'FLAG is one of Ceph\'s osdmap flags (noout, noup, nodown, noin, pause, norebalance, …). Sent through the leader; printed once committed.';
  static override examples = ['<%= config.bin %> osd set noout'];
  static override args = { flag: Args.string({ required: true, description: 'The flag, e.g. noout.' }) };
  static override flags = { ...mutationFlags, store: offlineStoreFlag };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdSet);
    const words = ['osd', 'set', args.flag];
    if (flags.store !== undefined) throw offlineStoreRefusal(words, flags.store);
    return this.submit(flags, { op: 'osd-set', flag: args.flag }, () => `${args.flag} is set`);
  }
}
