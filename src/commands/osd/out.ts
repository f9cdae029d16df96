import { QuorumCommand, mutationFlags, osdIdArg, parseOsdId, type MutationResult } from '../../quorum-command.js';
import { offlineStoreFlag, offlineStoreRefusal } from '../../lib/cli/offline-equivalent.js';

export default class OsdOut extends QuorumCommand {
  static override summary = 'Mark an OSD out in the running embedded cluster (as `ceph osd out`).';
  static override description = 'Sent through the leader; printed once committed, with the osdmap epoch.';
  static override examples = ['<%= config.bin %> osd out 3'];
  static override args = { id: osdIdArg };
  static override flags = { ...mutationFlags, store: offlineStoreFlag };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdOut);
    const words = ['osd', 'out', args.id];
    if (flags.store !== undefined) throw offlineStoreRefusal(words, flags.store);
    return this.submit(flags, { op: 'osd-out', id: parseOsdId(args.id) }, () => `marked out osd.${args.id}`);
  }
}
