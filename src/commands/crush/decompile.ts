import { Flags } from '@oclif/core';
import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import { crushDecompileView } from '../../lib/cli/crush-views.js';
import { writeOutputFile } from '../../files.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';

export default class CrushDecompile extends CrushSourceCommand {
  static override summary = 'Decompile a CRUSH map to text, exactly as `crushtool -d FILE` does.';
  static override description =
    'As the --release\'s crushtool writes it: Pacific\'s three-decimal weights and rule min_size/max_size; from Quincy five decimals and no sizes; from Squid the msr rule types, choosemsr/set_msr_* steps and msr tunables. Unnamed: Squid for a map with msr rules or tunables, else the store\'s require_osd_release, else Pacific.';
  static override examples = [
    '<%= config.bin %> crush decompile --crushmap crush.bin',
    '<%= config.bin %> crush decompile -s mon-a --epoch 20 -o crush.txt',
  ];
  static override flags = {
    ...crushSourceFlags,
    out: Flags.string({ char: 'o', summary: 'Write the text to this file instead of stdout.' }),
    release: releaseFlag(),
  };

  async run(): Promise<{ crushmap: string; out?: string; text?: string }> {
    const { flags } = await this.parse(CrushDecompile);
    const { source, bytes, inputRelease } = await this.loadCrushBytes(flags);
    const view = crushDecompileView(source, bytes, flags.out, flags.release, inputRelease);
    if (flags.out !== undefined) writeOutputFile(flags.out, view.decompiled);
    return this.show(view);
  }
}
