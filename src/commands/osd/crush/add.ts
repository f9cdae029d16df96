import { Args } from '@oclif/core';
import { QuorumCommand, mutationFlags, osdIdArg, type MutationResult } from '../../../quorum-command.js';
import { parseCrushLocation, parseNumber } from '../../../lib/quorum/host/args.js';

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
    const weight = parseNumber(args.weight, 'WEIGHT', 0, 65535);
    const loc = parseCrushLocation((argv as string[]).slice(2));
    return this.submit(flags, { op: 'osd-crush-add', id: args.id, weight, ...loc }, () => `add item id ${args.id} name 'osd.${args.id}' weight ${weight} at location {host=${loc.host}${loc.rack ? `,rack=${loc.rack}` : ''}} to crush map`);
  }
}
