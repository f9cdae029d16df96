import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { applyIncremental, decodeIncremental, decodeOSDMap, encodeOSDMap } from '../../lib/osdmap/index.js';
import { readInputFile, writeOutputFile } from '../../files.js';
import { count } from '../../lib/render/plural.js';


const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export default class OsdmapApplyInc extends BaseCommand {
  static override summary = 'Apply an OSDMap incremental to the full map of the epoch before it, and write the new full map.';
  static override description =
    "What the monitor does for each epoch: the result is encoded with the incremental's features, and its CRC must equal the incremental's full_crc (else the new map differs from the one the cluster agreed on, and nothing is written unless --force).";
  static override examples = ['<%= config.bin %> osdmap apply-inc --base osdmap.30 --inc inc.31 -o osdmap.31'];
  static override flags = {
    base: Flags.string({ summary: 'The full OSDMap of epoch N-1.', required: true }),
    inc: Flags.string({ summary: 'The incremental of epoch N (the value of osdmap/<N>).', required: true }),
    out: Flags.string({ char: 'o', summary: 'Write the full OSDMap of epoch N here.', required: true }),
    force: Flags.boolean({ summary: "Write the map even when its CRC is not the incremental's full_crc." }),
  };

  async run(): Promise<{ epoch: number; length: number; crc: number; full_crc: number; crc_matches: boolean; out: string }> {
    const { flags } = await this.parse(OsdmapApplyInc);
    const base = decodeOSDMap(readInputFile(flags.base));
    const inc = decodeIncremental(readInputFile(flags.inc));
    const map = applyIncremental(base, inc);
    // An incremental carrying a whole map (epoch 1, forced full maps) is that map.
    const bytes = inc.fullmap.length > 0 ? inc.fullmap : encodeOSDMap(map, inc.encodeFeatures);
    const crc = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(bytes.length - 4, true);
    const matches = crc === inc.fullCrc;
    if (!matches && !flags.force) {
      throw new MonctlError('CHECK_FAILED', `the rebuilt map of epoch ${inc.epoch} has CRC ${hex32(crc)}, but the incremental says full_crc ${hex32(inc.fullCrc)}`, {
        actions: [
          'Check that --base is the full map of the epoch before the incremental, from the same cluster.',
          'Pass --force to write the map anyway (for inspection; do not inject it into a monitor).',
        ],
      });
    }
    writeOutputFile(flags.out, bytes);
    const check = matches ? `CRC ${hex32(crc)} = full_crc` : `CRC ${hex32(crc)} != full_crc ${hex32(inc.fullCrc)} (written with --force)`;
    this.log(`applied incremental e${inc.epoch} to e${base.epoch}: wrote ${count(bytes.length, 'byte')} to ${flags.out}, ${check}`);
    return { epoch: inc.epoch, length: bytes.length, crc, full_crc: inc.fullCrc, crc_matches: matches, out: flags.out };
  }
}
