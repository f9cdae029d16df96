import { Args } from '@oclif/core';
import { MonctlError } from '../../lib/errors.js';
import { QuorumCommand, integerArg, mutationFlags, type MutationResult } from '../../quorum-command.js';

export default class OsdPgUpmapItems extends QuorumCommand {
  static override summary = 'Remap a PG\'s OSDs pairwise in the running embedded cluster (as `ceph osd pg-upmap-items`).';
  static override description = 'Each FROM TO pair replaces OSD FROM by OSD TO in the PG\'s CRUSH mapping. Sent through the leader; printed once committed.';
  static override examples = ['<%= config.bin %> osd pg-upmap-items 1.2f 3 5', '<%= config.bin %> osd pg-upmap-items 1.0 0 4 1 5'];
  static override strict = false;
  static override args = { pgid: Args.string({ required: true, description: 'Placement group, e.g. 1.2f.' }) };
  static override flags = mutationFlags;

  async run(): Promise<MutationResult> {
    const { args, argv, flags } = await this.parse(OsdPgUpmapItems);
    const ids = (argv as string[]).slice(1).map((s) => integerArg(s, 'OSD id'));
    const pairs = ids.flatMap((from, i): [number, number][] => (i % 2 === 0 && i + 1 < ids.length ? [[from, ids[i + 1]!]] : []));
    if (ids.length === 0 || ids.length % 2 !== 0) throw new MonctlError('BAD_ARGUMENT', 'expected PGID FROM TO [FROM TO…]', { actions: ['Give OSD ids in FROM TO pairs.'] });
    return this.submit(flags, { op: 'osd-pg-upmap-items', pgid: args.pgid, pairs }, () => `set ${args.pgid} pg_upmap_items mapping to [${ids.join(' ')}]`);
  }
}
