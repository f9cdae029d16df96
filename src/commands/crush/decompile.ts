import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { decodeCrushMap, decompileCrushMap } from '../../lib/crush/index.js';
import { readInputFile, writeOutputFile } from '../../files.js';

export default class CrushDecompile extends BaseCommand {
  static override summary = 'Decompile a CRUSH map to text, exactly as `crushtool -d FILE` does.';
  static override examples = ['<%= config.bin %> crush decompile --crushmap crush.bin', '<%= config.bin %> crush decompile --crushmap crush.bin -o crush.txt'];
  static override flags = {
    crushmap: Flags.string({ char: 'i', summary: 'A compiled CRUSH map (as `crushtool -c` or `ceph osd getcrushmap` write it).', required: true }),
    out: Flags.string({ char: 'o', summary: 'Write the text to this file instead of stdout.' }),
  };

  async run(): Promise<{ crushmap: string; out?: string; text?: string }> {
    const { flags } = await this.parse(CrushDecompile);
    const bytes = readInputFile(flags.crushmap);
    const text = decompileCrushMap(decodeCrushMap(bytes));
    if (flags.out !== undefined) {
      writeOutputFile(flags.out, text);
      return { crushmap: flags.crushmap, out: flags.out };
    }
    if (!this.jsonEnabled()) process.stdout.write(text);
    return { crushmap: flags.crushmap, text };
  }
}
