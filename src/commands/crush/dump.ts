import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { decodeCrushMap, dumpCrushMap, type JsonValue } from '../../lib/crush/index.js';
import { toJson } from '../../lib/render/index.js';

export default class CrushDump extends BaseCommand {
  static override summary = 'Dump a CRUSH map as JSON, exactly as `crushtool -i FILE --dump` does (always JSON).';
  static override examples = ['<%= config.bin %> crush dump --crushmap crush.bin'];
  static override flags = {
    crushmap: Flags.string({ char: 'i', summary: 'A compiled CRUSH map (as `crushtool -c` or `ceph osd getcrushmap` write it).', required: true }),
  };

  async run(): Promise<{ [key: string]: JsonValue }> {
    const { flags } = await this.parse(CrushDump);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(flags.crushmap);
    } catch (e) {
      throw new MonctlError('IO_ERROR', `cannot read ${flags.crushmap}: ${(e as Error).message}`, { cause: e });
    }
    const dump = dumpCrushMap(decodeCrushMap(bytes));
    // crushtool ends its dump with an empty line.
    this.log(`${toJson(dump)}\n`);
    return dump;
  }
}
