import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { decodeCrushMap, dumpCrushMap, type JsonValue } from '../../lib/crush/index.js';
import { toJson } from '../../lib/render/index.js';
import { readInputFile } from '../../files.js';

export default class CrushDump extends BaseCommand {
  static override summary = 'Dump a CRUSH map as JSON, exactly as `crushtool -i FILE --dump` does (always JSON).';
  static override examples = ['<%= config.bin %> crush dump --crushmap crush.bin'];
  static override flags = {
    crushmap: Flags.string({ char: 'i', summary: 'A compiled CRUSH map (as `crushtool -c` or `ceph osd getcrushmap` write it).', required: true }),
  };

  async run(): Promise<{ [key: string]: JsonValue }> {
    const { flags } = await this.parse(CrushDump);
    const bytes = readInputFile(flags.crushmap);
    const dump = dumpCrushMap(decodeCrushMap(bytes));
    // crushtool ends its dump with an empty line.
    this.log(`${toJson(dump)}\n`);
    return dump;
  }
}
