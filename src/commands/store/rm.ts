import { Args } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from '../../base-command.js';
import { TransactionBuilder } from '../../lib/store/index.js';

export default class StoreRm extends WriteCommand {
  static override summary = 'Remove one key, like `ceph-kvstore-tool rm`.';
  static override examples = ['<%= config.bin %> store rm mon_sync in_sync --dry-run'];
  static override args = {
    prefix: Args.string({ required: true, description: 'Key prefix.' }),
    key: Args.string({ required: true, description: 'Key within the prefix.' }),
  };
  static override flags = { ...writeFlags };

  async run(): Promise<WriteOutcome> {
    const { args, flags } = await this.parse(StoreRm);
    return this.runWrite(flags, async (store) => {
      await store.require(args.prefix, args.key);
      return new TransactionBuilder().erase(args.prefix, args.key).tx;
    });
  }
}
