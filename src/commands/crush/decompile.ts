import { Flags } from '@oclif/core';
import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import { crushDecompileView } from '../../lib/cli/crush-views.js';
import { writeOutputFile } from '../../files.js';

export default class CrushDecompile extends CrushSourceCommand {
  static override summary = 'Decompile a CRUSH map to text, exactly as `crushtool -d FILE` does.';
  static override examples = [
    '<%= config.bin %> crush decompile --crushmap crush.bin',
    '<%= config.bin %> crush decompile -s mon-a --epoch 20 -o crush.txt',
  ];
  static override flags = {
    ...crushSourceFlags,
    out: Flags.string({ char: 'o', summary: 'Write the text to this file instead of stdout.' }),
  };

  async run(): Promise<{ crushmap: string; out?: string; text?: string }> {
    const { flags } = await this.parse(CrushDecompile);
    const { source, bytes } = await this.loadCrushBytes(flags);
    const view = crushDecompileView(source, bytes, flags.out);
    if (flags.out !== undefined) writeOutputFile(flags.out, view.decompiled);
    return this.show(view);
  }
}
