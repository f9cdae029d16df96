import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';

export default class StoreCrc extends StoreCommand {
  static override summary = 'Print `prefix<TAB>key<TAB>crc32c` per key, like `ceph-kvstore-tool … list-crc`.';
  static override examples = ['<%= config.bin %> store crc --prefix paxos'];
  static override flags = {
    prefix: Flags.string({ char: 'p', summary: 'Only keys of this prefix.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StoreCrc);
    await this.printListing(flags.store, 'crc', flags.prefix);
  }
}
