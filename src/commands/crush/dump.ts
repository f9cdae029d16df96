import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import type { JsonValue } from '../../lib/crush/index.js';
import { crushDumpView } from '../../lib/cli/crush-views.js';

export default class CrushDump extends CrushSourceCommand {
  static override summary = 'Dump a CRUSH map as JSON, exactly as `crushtool -i FILE --dump` does (always JSON).';
  static override examples = ['<%= config.bin %> crush dump --crushmap crush.bin'];
  static override flags = {
    ...crushSourceFlags,
  };

  async run(): Promise<{ [key: string]: JsonValue }> {
    const { flags } = await this.parse(CrushDump);
    const { bytes } = await this.loadCrushBytes(flags);
    return this.show(crushDumpView(bytes));
  }
}
