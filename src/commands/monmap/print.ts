import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { monmapPrintView } from '../../lib/cli/monmap-views.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import type { MonMapDump } from '../../lib/monmap/dump.js';
import { decodeStoredMonMap, readMonMap } from '../../lib/mon/monmap/store.js';
import { readInputFile } from '../../files.js';

export default class MonmapPrint extends StoreCommand {
  static override summary = 'Print a MonMap as `monmaptool --print` does; --json as `ceph mon dump -f json`.';
  static override description =
    'Reads monmap/<epoch> from the store (default: the newest), or a monmap file with --monmap. The text is exactly monmaptool\'s (of --release, default the map\'s min_mon_release); for a store, the first line names the store key instead of a file. ' +
    'The JSON has no `quorum` key: the quorum is the running monitors\' state, which `ceph mon dump` adds from the live monitor; a monmap (stored or in a file) does not hold it.';
  static override examples = [
    '<%= config.bin %> monmap print -s mon-a',
    '<%= config.bin %> monmap print --epoch 2 --json',
    '<%= config.bin %> monmap print --monmap monmap.bin',
  ];
  static override flags = {
    epoch: Flags.string({ char: 'e', summary: 'The epoch to print (default: monmap/last_committed).', exclusive: ['monmap'] }),
    monmap: Flags.string({ char: 'm', summary: 'Read a monmap file (as monmaptool writes it) instead of a store.' }),
    release: releaseFlag(),
  };

  async run(): Promise<MonMapDump> {
    const { flags } = await this.parse(MonmapPrint);
    if (flags.monmap !== undefined) {
      // $MONCTL_STORE alone does not conflict (oclif's `exclusive` would count it): a file wins.
      if (flags.store !== undefined && flags.store !== process.env.MONCTL_STORE) {
        throw new MonctlError('BAD_ARGUMENT', '--monmap and --store cannot be used together', {
          actions: ['Pass --monmap FILE to print a file, or --store DIR to print the store\'s monmap.'],
        });
      }
      const bytes = readInputFile(flags.monmap);
      const map = decodeStoredMonMap(bytes);
      return this.show(monmapPrintView(map, { file: flags.monmap }, flags.release));
    }
    const { key, map } = await this.withStore(flags.store, (store) => readMonMap(store, flags.epoch));
    return this.show(monmapPrintView(map, { key }, flags.release));
  }
}
