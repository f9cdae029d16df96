import { QuorumCommand, mutationFlags, type MutationResult } from '../../quorum-command.js';

export default class OsdCreate extends QuorumCommand {
  static override summary = 'Allocate a new OSD id in the running embedded cluster (as `ceph osd create`).';
  static override description = 'Sent through the leader; printed once committed, with the new id and the osdmap epoch.';
  static override examples = ['<%= config.bin %> osd create', '<%= config.bin %> osd create --cluster ./lab --json'];
  static override flags = mutationFlags;

  async run(): Promise<MutationResult> {
    const { flags } = await this.parse(OsdCreate);
    return this.submit(flags, { op: 'osd-create' }, (r) => `created osd.${String(r.result)}`);
  }
}
