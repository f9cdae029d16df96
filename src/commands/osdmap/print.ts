import { osdmapPrintView } from '../../lib/cli/osdmap-views.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export default class OsdmapPrint extends OSDMapSourceCommand {
  static override summary = 'Print an OSDMap as `osdmaptool --print` (and `ceph osd dump`) do; --json as `osdmaptool --dump json`.';
  static override description =
    'Reads osdmap/full_<epoch> from the store (default: the newest), or an OSDMap file with --osdmap. The text is exactly osdmaptool\'s, with times in UTC.';
  static override examples = [
    '<%= config.bin %> osdmap print -s mon-a',
    '<%= config.bin %> osdmap print -s mon-a --epoch 20',
    '<%= config.bin %> osdmap print --osdmap osdmap.bin',
  ];
  static override flags = { ...mapSourceFlags, release: releaseFlag() };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(OsdmapPrint);
    const { map } = await this.loadMap(flags);
    return this.show(osdmapPrintView(map, flags.release));
  }
}
