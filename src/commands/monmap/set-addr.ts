import { Args } from '@oclif/core';
import { MonmapEditCommand, writeFlags, type MonmapEditOutcome } from '../../monmap-edit-command.js';

export default class MonmapSetAddr extends MonmapEditCommand {
  static override summary = 'Change a monitor\'s address in the monmap (a new epoch, like `ceph mon set-addrs`).';
  static override description = 'ADDR as for `monmap add`. Nonces are zeroed, ports must be non-zero, and an address another monitor has is refused.';
  static override examples = ['<%= config.bin %> monmap set-addr a [v2:10.0.0.9:3300,v1:10.0.0.9:6789] --dry-run'];
  static override args = {
    name: Args.string({ required: true, description: 'Monitor name.' }),
    addr: Args.string({ required: true, description: 'Its new address(es).' }),
  };
  static override flags = { ...writeFlags };

  async run(): Promise<MonmapEditOutcome> {
    const { args, flags } = await this.parse(MonmapSetAddr);
    return this.runMonmapEdit(flags, { op: 'set-addr', name: args.name, addr: args.addr });
  }
}
