import { QuorumCommand, mutationFlags, osdIdArg, parseOsdId, type MutationResult } from '../../quorum-command.js';
import { offlineStoreFlag, offlineStoreRefusal } from '../../lib/cli/offline-equivalent.js';

export default class OsdDown extends QuorumCommand {
  static override summary = 'Mark an OSD down in the running embedded cluster (as `ceph osd down`).';
  static override description = 'Sent through the leader; printed once committed, with the osdmap epoch.';
  static override examples = ['<%= config.bin %> osd down 3'];
  static override args = { id: osdIdArg };
  static override flags = { ...mutationFlags, store: offlineStoreFlag };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdDown);
    const words = ['osd', 'down', args.id];
    if (flags.store !== undefined) throw offlineStoreRefusal(words, flags.store);
    return this.submit(flags, { op: 'osd-down', id: parseOsdId(args.id) }, () => `marked down osd.${args.id}`);
  }
}
