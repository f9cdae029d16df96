import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import type { JsonValue } from '../../lib/crush/index.js';
import { crushDumpView } from '../../lib/cli/crush-views.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';

export default class CrushDump extends CrushSourceCommand {
  static override summary = 'Dump a CRUSH map as JSON, exactly as `crushtool -i FILE --dump` does (always JSON).';
  static override description =
    'As the --release\'s crushtool prints it: rules lose ruleset/min_size/max_size from Quincy; Squid adds msr_descents/msr_collision_tries, has_msr_rules and the msr steps. Unnamed: Squid for a map with msr rules or tunables, else the store\'s require_osd_release, else Pacific.';
  static override examples = ['<%= config.bin %> crush dump --crushmap crush.bin', '<%= config.bin %> crush dump --crushmap crush.bin --release reef'];
  static override flags = {
    ...crushSourceFlags,
    release: releaseFlag(),
  };

  async run(): Promise<{ [key: string]: JsonValue }> {
    const { flags } = await this.parse(CrushDump);
    const { bytes, inputRelease } = await this.loadCrushBytes(flags);
    return this.show(crushDumpView(bytes, flags.release, inputRelease));
  }
}
