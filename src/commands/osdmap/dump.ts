import { osdmapDumpView } from '../../lib/cli/osdmap-views.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export default class OsdmapDump extends OSDMapSourceCommand {
  static override summary = 'Dump an OSDMap as JSON, as `osdmaptool --dump json` (and `ceph osd dump -f json`) do.';
  static override description =
    'Always JSON: one line, as osdmaptool prints it, floats with 17 significant digits (with --json, indented). Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> osdmap dump -s mon-a --epoch 31', '<%= config.bin %> osdmap dump --osdmap osdmap.bin'];
  static override flags = { ...mapSourceFlags, release: releaseFlag() };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(OsdmapDump);
    const { map } = await this.loadMap(flags);
    return this.show(osdmapDumpView(map, flags.release));
  }
}
