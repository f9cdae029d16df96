import { Args } from '@oclif/core';
import { QuorumCommand, mutationFlags, type MutationResult } from '../../../quorum-command.js';
import { offlineStoreFlag, offlineStoreRefusal } from '../../../lib/cli/offline-equivalent.js';

export default class OsdPoolSet extends QuorumCommand {
  static override summary = 'Set a pool property in the running embedded cluster (as `ceph osd pool set`).';
  static override description = 'KEY is a pool property such as size, min_size, pg_num, pgp_num or crush_rule. Sent through the leader; printed once committed.';
  static override examples = ['<%= config.bin %> osd pool set rbd size 2'];
  static override args = {
    name: Args.string({ required: true, description: 'Pool name.' }),
    key: Args.string({ required: true, description: 'Property, e.g. size.' }),
    value: Args.string({ required: true, description: 'New value.' }),
  };
  static override flags = { ...mutationFlags, store: offlineStoreFlag };

  async run(): Promise<MutationResult> {
    const { args, flags } = await this.parse(OsdPoolSet);
    const words = ['osd', 'pool', 'set', args.name, args.key, args.value];
    if (flags.store !== undefined) throw offlineStoreRefusal(words, flags.store);
    return this.submit(flags, { op: 'osd-pool-set', name: args.name, key: args.key, value: args.value }, () => `set pool '${args.name}' ${args.key} to ${args.value}`);
  }
}
