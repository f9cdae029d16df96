import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';

export default class StoreList extends StoreCommand {
  static override summary = 'List keys as `prefix<TAB>key` (URL-escaped), like `ceph-kvstore-tool … list [prefix]`.';
  static override examples = ['<%= config.bin %> store list -s /var/lib/ceph/mon/ceph-a', '<%= config.bin %> store list --prefix osdmap'];
  static override flags = {
    prefix: Flags.string({ char: 'p', summary: 'Only keys of this prefix.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StoreList);
    await this.printListing(flags.store, 'list', flags.prefix);
  }
}
