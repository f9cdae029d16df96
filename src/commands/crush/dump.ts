import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import { decodeCrushMap, dumpCrushMap, type JsonValue } from '../../lib/crush/index.js';
import { toJson } from '../../lib/render/index.js';

export default class CrushDump extends CrushSourceCommand {
  static override summary = 'Dump a CRUSH map as JSON, exactly as `crushtool -i FILE --dump` does (always JSON).';
  static override examples = ['<%= config.bin %> crush dump --crushmap crush.bin'];
  static override flags = {
    ...crushSourceFlags,
  };

  async run(): Promise<{ [key: string]: JsonValue }> {
    const { flags } = await this.parse(CrushDump);
    const { bytes } = await this.loadCrushBytes(flags);
    const dump = dumpCrushMap(decodeCrushMap(bytes));
    // crushtool ends its dump with an empty line.
    this.log(`${toJson(dump)}\n`);
    return dump;
  }
}
