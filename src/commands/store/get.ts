import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { crc32c, hexdump } from '../../lib/encoding/index.js';
import { writeOutputFile } from '../../files.js';
import { count } from '../../lib/render/plural.js';

export default class StoreGet extends StoreCommand {
  static override summary = 'Print one value as a hex dump, or write its raw bytes to a file (`crc` = `ceph-kvstore-tool crc`).';
  static override examples = ['<%= config.bin %> store get osdmap full_23 -o osdmap.23', '<%= config.bin %> store get monitor magic'];
  static override args = {
    prefix: Args.string({ required: true, description: 'Key prefix (e.g. osdmap).' }),
    key: Args.string({ required: true, description: 'Key within the prefix (e.g. full_23).' }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Write the raw value to this file.' }),
  };

  async run(): Promise<{ prefix: string; key: string; length: number; crc: number; out?: string; hex?: string }> {
    const { args, flags } = await this.parse(StoreGet);
    const value = await this.withStore(flags.store, (store) => store.require(args.prefix, args.key));
    const result = { prefix: args.prefix, key: args.key, length: value.length, crc: crc32c(0, value) };
    if (flags.out) {
      writeOutputFile(flags.out, value);
      this.log(`wrote ${count(value.length, 'byte')} of ${args.prefix}/${args.key} to ${flags.out}`);
      return { ...result, out: flags.out };
    }
    this.log(`(${args.prefix}, ${args.key})`);
    this.log(hexdump(value));
    return { ...result, hex: Buffer.from(value).toString('hex') };
  }
}
