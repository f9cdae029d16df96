import { Args } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from '../../base-command.js';
import { TransactionBuilder } from '../../lib/store/index.js';

export default class StoreRmPrefix extends WriteCommand {
  static override summary = 'Remove every key of a prefix, like `ceph-kvstore-tool rm-prefix`.';
  static override examples = ['<%= config.bin %> store rm-prefix mon_sync --dry-run'];
  static override args = {
    prefix: Args.string({ required: true, description: 'Key prefix.' }),
  };
  static override flags = { ...writeFlags };

  async run(): Promise<WriteOutcome> {
    const { args, flags } = await this.parse(StoreRmPrefix);
    return this.runWrite(flags, async (store) => {
      const tx = new TransactionBuilder();
      for await (const chunk of store.chunks({ prefix: args.prefix, values: false })) {
        for (const e of chunk) tx.erase(e.prefix, e.key);
      }
      return tx.tx;
    });
  }
}
