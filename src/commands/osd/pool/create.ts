import { Args, Flags } from '@oclif/core';
import { QuorumCommand, integerArg, mutationFlags, type MutationResult } from '../../../quorum-command.js';

export default class OsdPoolCreate extends QuorumCommand {
  static override summary = 'Create a pool in the running embedded cluster (as `ceph osd pool create`).';
  static override description = 'Replicated by default (size 3 unless --size); --erasure makes an erasure-coded pool. Sent through the leader; printed once committed.';
  static override examples = ['<%= config.bin %> osd pool create rbd 32', '<%= config.bin %> osd pool create ec 16 --erasure', '<%= config.bin %> osd pool create two 8 --size 2'];
  static override args = {
    name: Args.string({ required: true, description: 'Pool name.' }),
    pgNum: Args.string({ required: true, description: 'Number of placement groups.' }),
  };
  static override flags = {
    ...mutationFlags,
    size: Flags.integer({ summary: 'Replica count (replicated pools).', min: 1, max: 10 }),
    erasure: Flags.boolean({ summary: 'An erasure-coded pool (the default profile).' }),
  };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdPoolCreate);
    return this.submit(
      flags,
      { op: 'osd-pool-create', name: args.name, pgNum: integerArg(args.pgNum, 'PG_NUM'), ...(flags.size !== undefined ? { size: flags.size } : {}), ...(flags.erasure ? { erasure: true } : {}) },
      (r) => `pool '${args.name}' created${typeof r.result === 'number' ? ` with id ${r.result}` : ''}`,
    );
  }
}
