import { Args } from '@oclif/core';
import { MonctlError } from '../../../lib/errors.js';
import { QuorumCommand, mutationFlags, numberArg, osdIdArg, parseOsdId, type MutationResult } from '../../../quorum-command.js';

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
    const where = new Map(loc.map((kv) => kv.split('=', 2) as [string, string]));
    const unknown = [...where.keys()].filter((k) => k !== 'host' && k !== 'rack');
    if (!where.get('host') || unknown.length > 0) throw new MonctlError('BAD_ARGUMENT', `expected host=H [rack=R], not ${loc.join(' ') || 'nothing'}`, { actions: ['Name the host bucket: `osd crush add 3 1.0 host=node1`.'] });
    const rack = where.get('rack');
    const mutation = { op: 'osd-crush-add' as const, id: parseOsdId(args.id), weight: numberArg(args.weight, 'WEIGHT'), host: where.get('host')!, ...(rack !== undefined ? { rack } : {}) };
    return this.submit(flags, mutation, () => `add item ${args.id} weight ${args.weight} at location {${loc.join(',')}} to crush map`);
  }
}
