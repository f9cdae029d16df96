import { QuorumCommand, mutationFlags, osdIdArg, parseOsdId, type MutationResult } from '../../quorum-command.js';

export default class OsdDown extends QuorumCommand {
  static override summary = 'Mark an OSD down in the running embedded cluster (as `ceph osd down`).';
  static override description = 'Sent through the leader; printed once committed, with the osdmap epoch.';
  static override examples = ['<%= config.bin %> osd down 3'];
  static override args = { id: osdIdArg };
  static override flags = mutationFlags;

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdDown);
    return this.submit(flags, { op: 'osd-down', id: parseOsdId(args.id) }, () => `marked down osd.${args.id}`);
  }
}
