import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { decodeOSDMap, dumpOSDMap, type OSDMap } from '../../lib/osdmap/index.js';
import { printOSDMap } from '../../lib/osdmap/print.js';
import { readFullMap } from '../../lib/osdmap/store.js';
import { readInputFile } from '../../files.js';

/** `--epoch` (store) or `--osdmap FILE`: the map the print, tree and dump commands show. */
export const mapSourceFlags = {
  epoch: Flags.string({ char: 'e', summary: 'The epoch to read from the store (default: osdmap/last_committed).', exclusive: ['osdmap'] }),
  osdmap: Flags.string({ char: 'm', summary: 'Read an OSDMap file (as `osdmaptool` or `monctl osdmap get` write it) instead of a store.' }),
};

/** Commands that show one full map, read from a store or from a file. */
export abstract class OSDMapSourceCommand extends StoreCommand {
  protected async loadMap(flags: { store?: string; epoch?: string; osdmap?: string }): Promise<{ source: string; map: OSDMap }> {
    if (flags.osdmap === undefined) {
      const { key, map } = await this.withStore(flags.store, (store) => readFullMap(store, flags.epoch));
      return { source: key, map };
    }
    // $MONCTL_STORE alone does not conflict (oclif's `exclusive` would count it): a file wins.
    if (flags.store !== undefined && flags.store !== process.env.MONCTL_STORE) {
      throw new MonctlError('BAD_ARGUMENT', '--osdmap and --store cannot be used together', {
        actions: ["Pass --osdmap FILE to read a file, or --store DIR (with --epoch) to read the store's map."],
      });
    }
    const bytes = readInputFile(flags.osdmap);
    return { source: flags.osdmap, map: decodeOSDMap(bytes) };
  }
}

export default class OsdmapPrint extends OSDMapSourceCommand {
  static override summary = 'Print an OSDMap as `osdmaptool --print` (and `ceph osd dump`) do; --json as `osdmaptool --dump json`.';
  static override description =
    'Reads osdmap/full_<epoch> from the store (default: the newest), or an OSDMap file with --osdmap. The text is exactly osdmaptool\'s, with times in UTC.';
  static override examples = [
    '<%= config.bin %> osdmap print -s mon-a',
    '<%= config.bin %> osdmap print -s mon-a --epoch 20',
    '<%= config.bin %> osdmap print --osdmap osdmap.bin',
  ];
  static override flags = mapSourceFlags;

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(OsdmapPrint);
    const { map } = await this.loadMap(flags);
    if (!this.jsonEnabled()) process.stdout.write(printOSDMap(map));
    return dumpOSDMap(map);
  }
}
