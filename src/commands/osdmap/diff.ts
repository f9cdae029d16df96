import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { decodeOSDMap, type OSDMap } from '../../lib/osdmap/index.js';
import { diffOSDMaps, formatOSDMapDiff, type OSDMapDiff } from '../../lib/osdmap/diff.js';
import { readFullMap } from '../../lib/mon/osd/store.js';
import { readInputFile } from '../../files.js';
import { chalkFor, colorDiffLine } from '../../lib/render/color.js';

function readMapFile(path: string): OSDMap {
  const bytes = readInputFile(path);
  return decodeOSDMap(bytes);
}

export default class OsdmapDiff extends StoreCommand {
  static override summary = 'What changed between two OSDMaps: flags, CRUSH, pools (field by field), OSDs, pg_temp, upmaps.';
  static override description =
    'Compares two stored epochs (`osdmap diff A B`) or two files (--from-file/--to-file). --json gives the typed diff.';
  static override examples = ['<%= config.bin %> osdmap diff 1 31 -s mon-a', '<%= config.bin %> osdmap diff --from-file osdmap.20 --to-file osdmap.21 --json'];
  static override args = {
    a: Args.string({ description: 'The older epoch.' }),
    b: Args.string({ description: 'The newer epoch (default: osdmap/last_committed).' }),
  };
  static override flags = {
    'from-file': Flags.string({ summary: 'The older map, from a file.', dependsOn: ['to-file'] }),
    'to-file': Flags.string({ summary: 'The newer map, from a file.', dependsOn: ['from-file'] }),
  };

  async run(): Promise<OSDMapDiff> {
    const { args, flags } = await this.parse(OsdmapDiff);
    let a: OSDMap;
    let b: OSDMap;
    if (flags['from-file'] !== undefined && flags['to-file'] !== undefined) {
      a = readMapFile(flags['from-file']);
      b = readMapFile(flags['to-file']);
    } else if (args.a !== undefined) {
      const [ea, eb] = [args.a, args.b];
      [a, b] = await this.withStore(flags.store, async (store) => [(await readFullMap(store, ea)).map, (await readFullMap(store, eb)).map]);
    } else {
      throw new MonctlError('BAD_ARGUMENT', 'name two epochs (osdmap diff A B) or two files (--from-file F --to-file G)', {
        actions: ['See the stored epochs with `monctl store versions`.'],
      });
    }
    const diff = diffOSDMaps(a, b);
    const c = chalkFor(process.stdout);
    this.log(formatOSDMapDiff(diff).map((l) => colorDiffLine(l, c)).join('\n'));
    return diff;
  }
}
