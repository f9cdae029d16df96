import { QuorumCommand, mutationFlags, osdIdArg, parseOsdId, type MutationResult } from '../../quorum-command.js';
import { offlineStoreFlag, offlineStoreRefusal } from '../../lib/cli/offline-equivalent.js';

export default class OsdIn extends QuorumCommand {
  static override summary = 'Mark an OSD in in the running embedded cluster (as `ceph osd in`).';
  static override description = 'Sent through the leader; printed once committed, with the osdmap epoch.';
  static override examples = ['<%= config.bin %> osd in 3'];
  static override args = { id: osdIdArg };
  static override flags = { ...mutationFlags, store: offlineStoreFlag };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdIn);
    const words = ['osd', 'in', args.id];
    if (flags.store !== undefined) throw offlineStoreRefusal(words, flags.store);
    return this.submit(flags, { op: 'osd-in', id: parseOsdId(args.id) }, () => `marked in osd.${args.id}`);
  }
}
