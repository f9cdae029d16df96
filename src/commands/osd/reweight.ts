import { Args } from '@oclif/core';
import { QuorumCommand, mutationFlags, numberArg, osdIdArg, parseOsdId, type MutationResult } from '../../quorum-command.js';
import { offlineStoreFlag, offlineStoreRefusal } from '../../lib/cli/offline-equivalent.js';

export default class OsdReweight extends QuorumCommand {
  static override summary = 'Set an OSD\'s override weight, 0..1, in the running embedded cluster (as `ceph osd reweight`).';
  static override description = 'Stored as 16.16 fixed point, as Ceph does (0.85 becomes 0.849991). Sent through the leader; printed once committed.';
  static override examples = ['<%= config.bin %> osd reweight 3 0.85'];
  static override args = { id: osdIdArg, weight: Args.string({ required: true, description: 'Weight, 0..1.' }) };
  static override flags = { ...mutationFlags, store: offlineStoreFlag };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdReweight);
    const words = ['osd', 'reweight', args.id, args.weight];
    if (flags.store !== undefined) throw offlineStoreRefusal(words, flags.store);
    return this.submit(flags, { op: 'osd-reweight', id: parseOsdId(args.id), weight: numberArg(args.weight, 'W') }, () => `reweighted osd.${args.id} to ${args.weight}`);
  }
}
