import { Args } from '@oclif/core';
import { MonmapEditCommand, writeFlags, type MonmapEditOutcome } from '../../monmap-edit-command.js';

export default class MonmapAdd extends MonmapEditCommand {
  static override summary = 'Add a monitor to the monmap (a new epoch, committed as the monitor commits it).';
  static override description =
    'ADDR is `v2:IP:PORT`, a vector `[v2:IP:3300,v1:IP:6789]` (taken as is, like monmaptool --addv), or `IP[:PORT]` (monmaptool --add: no port = both default ports, 6789 = v1, else v2). A name or address already in the map is refused.';
  static override examples = ['<%= config.bin %> monmap add d 10.0.0.4 --dry-run', '<%= config.bin %> monmap add d [v2:10.0.0.4:3300,v1:10.0.0.4:6789]'];
  static override args = {
    name: Args.string({ required: true, description: 'New monitor name.' }),
    addr: Args.string({ required: true, description: 'Its address(es).' }),
  };
  static override flags = { ...writeFlags };

  async run(): Promise<MonmapEditOutcome> {
    const { args, flags } = await this.parse(MonmapAdd);
    return this.runMonmapEdit(flags, { op: 'add', name: args.name, addr: args.addr });
  }
}
