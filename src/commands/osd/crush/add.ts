import { Args } from '@oclif/core';
import { QuorumCommand, mutationFlags, osdIdArg, type MutationResult } from '../../../quorum-command.js';

export default class OsdCrushAdd extends QuorumCommand {
  static override summary = 'Add an OSD to the CRUSH map under host=H [rack=R] in the running embedded cluster (as `ceph osd crush add`).';
  static override description = 'Missing host and rack buckets are created under the default root. Sent through the leader; printed once committed.';
  static override examples = ['<%= config.bin %> osd crush add 0 0.0977 host=node1', '<%= config.bin %> osd crush add osd.3 1.0 host=node2 rack=r1'];
  static override strict = false;
  static override args = {
    id: osdIdArg,
    weight: Args.string({ required: true, description: 'CRUSH weight (TiB by convention).' }),
  };
  static override flags = mutationFlags;

  async run(): Promise<MutationResult> {
    const { args, argv, flags } = await this.parse(OsdCrushAdd);
    const loc = (argv as string[]).slice(2);
    return this.submit(flags, ['osd', 'crush', 'add', args.id, args.weight, ...loc], () => `add item ${args.id} weight ${args.weight} at location {${loc.join(',')}} to crush map`);
  }
}
