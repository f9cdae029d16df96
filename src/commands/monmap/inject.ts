import { Flags } from '@oclif/core';

import { MonmapEditCommand, writeFlags, type MonmapEditOutcome } from '../../monmap-edit-command.js';
import { readInputFile } from '../../files.js';
import { decodeStoredMonMap } from '../../lib/mon/index.js';

export default class MonmapInject extends MonmapEditCommand {
  static override summary = 'Make a monmap file the store\'s newest monmap (= `ceph-mon --inject-monmap`, committed through paxos).';
  static override description =
    'As ceph-mon --inject-monmap: the file\'s map becomes epoch last_committed + 1, everything else as in the file. Unlike it, the map is committed as a paxos version, so peers that stayed behind receive it. A map of another cluster (fsid) or with no monitor is refused.';
  static override examples = ['<%= config.bin %> monmap inject --monmap monmap.bin -s /var/lib/ceph/mon/ceph-a --dry-run'];
  static override flags = {
    monmap: Flags.string({ char: 'm', summary: 'The monmap file (as monmaptool or `monctl monmap get` write it).', required: true }),
    ...writeFlags,
  };

  async run(): Promise<MonmapEditOutcome> {
    const { flags } = await this.parse(MonmapInject);
    const map = decodeStoredMonMap(readInputFile(flags.monmap), flags.monmap);
    return this.runMonmapEdit(flags, { op: 'inject', map });
  }
}
