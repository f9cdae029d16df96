import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../../base-command.js';
import { MonctlError } from '../../../lib/errors.js';
import { decodeIncremental, type Incremental } from '../../../lib/osdmap/index.js';
import { dumpIncremental, printIncremental } from '../../../lib/osdmap/inc-print.js';
import { readIncrementalWithRelease } from '../../../lib/mon/osd/store.js';
import { releaseFlag } from '../../../lib/cli/release-flag.js';
import { readInputFile } from '../../../files.js';

export default class OsdmapIncShow extends StoreCommand {
  static override summary = 'Decode one OSDMap incremental (`osdmap/<epoch>`): what that epoch changed.';
  static override description =
    'One line per change: flags, max_osd, pools set or removed, OSDs booted, state toggles (new_state is an XOR mask), weights, primary affinity, pg_temp, upmaps, blocklist, a replaced CRUSH map. --json is OSDMap::Incremental::dump (Ceph\'s field names and nesting). No Ceph tool decodes incrementals (osdmaptool refuses them). ' +
    'Names (releases, flags, the pools\' and the embedded full map\'s dumps) are those of --release; default: the require_osd_release of the epoch\'s full map (store), else the one the incremental sets, else the newest known.';
  static override examples = ['<%= config.bin %> osdmap inc show 2 -s mon-a', '<%= config.bin %> osdmap inc show --inc inc.bin --json'];
  static override args = {
    epoch: Args.string({ description: 'The epoch whose incremental to show (osdmap/<epoch>).' }),
  };
  static override flags = {
    inc: Flags.string({ char: 'i', summary: 'Read an incremental from a file instead of the store.' }),
    release: releaseFlag(),
  };

  async run(): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(OsdmapIncShow);
    let inc: Incremental;
    let release = flags.release;
    if (flags.inc !== undefined) {
      const bytes = readInputFile(flags.inc);
      inc = decodeIncremental(bytes);
    } else if (args.epoch !== undefined) {
      const epoch = args.epoch;
      const read = await this.withStore(flags.store, (store) => readIncrementalWithRelease(store, epoch));
      inc = read.inc;
      release ??= read.release;
    } else {
      throw new MonctlError('BAD_ARGUMENT', 'name an epoch (osdmap inc show N) or a file (--inc FILE)', {
        actions: ['See the stored epochs with `monctl store versions`.'],
      });
    }
    if (!this.jsonEnabled()) process.stdout.write(printIncremental(inc, release));
    return dumpIncremental(inc, release);
  }
}
