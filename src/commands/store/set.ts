import { Args, Flags } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { TransactionBuilder } from '../../lib/store/index.js';
import { readInputFile } from '../../files.js';

export default class StoreSet extends WriteCommand {
  static override summary = 'Set one key to a file\'s bytes or to a u64 version, like `ceph-kvstore-tool set`.';
  static override examples = [
    '<%= config.bin %> store set osdmap last_committed --u64 41 --dry-run',
    '<%= config.bin %> store set monmap 3 --in monmap.bin',
  ];
  static override args = {
    prefix: Args.string({ required: true, description: 'Key prefix.' }),
    key: Args.string({ required: true, description: 'Key within the prefix.' }),
  };
  static override flags = {
    in: Flags.string({ summary: 'Read the value from this file.', exactlyOne: ['in', 'u64'] }),
    u64: Flags.string({ summary: 'Store this number as a little-endian u64 (a version_t).', exactlyOne: ['in', 'u64'] }),
    ...writeFlags,
  };

  async run(): Promise<WriteOutcome> {
    const { args, flags } = await this.parse(StoreSet);
    let value: Uint8Array;
    if (flags.u64 !== undefined) {
      if (!/^\d+$/.test(flags.u64) || BigInt(flags.u64) >= 1n << 64n) {
        throw new MonctlError('BAD_ARGUMENT', `--u64 ${flags.u64} is not an unsigned 64-bit number`);
      }
      value = new TransactionBuilder().putVersion(args.prefix, args.key, BigInt(flags.u64)).tx.ops[0]!.value;
    } else {
      value = readInputFile(flags.in!);
    }
    return this.runWrite(flags, async () => new TransactionBuilder().put(args.prefix, args.key, value).tx);
  }
}
