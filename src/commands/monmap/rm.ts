import { Args } from '@oclif/core';
import { MonmapEditCommand, writeFlags, type MonmapEditOutcome } from '../../monmap-edit-command.js';

export default class MonmapRm extends MonmapEditCommand {
  static override summary = 'Remove monitors from the monmap (a new epoch, committed as the monitor commits it).';
  static override description =
    'The offline way back from a lost quorum: stop every monitor, remove the dead ones from a survivor\'s store, start the survivor. Like `ceph mon remove` (and monmaptool --rm + ceph-mon --inject-monmap), the new epoch is last_committed + 1 with last_changed = now and the removed ranks recorded. Removing every monitor is refused.';
  static override strict = false;
  static override examples = ['<%= config.bin %> monmap rm b c -s /var/lib/ceph/mon/ceph-a --dry-run', '<%= config.bin %> monmap rm b c -s /var/lib/ceph/mon/ceph-a'];
  static override args = { name: Args.string({ required: true, description: 'Monitor name(s) to remove.' }) };
  static override flags = { ...writeFlags };

  async run(): Promise<MonmapEditOutcome> {
    const { argv, flags } = await this.parse(MonmapRm);
    return this.runMonmapEdit(flags, { op: 'rm', names: argv as string[] });
  }
}
