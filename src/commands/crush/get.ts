import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { readFullMap } from '../../lib/mon/osd/store.js';
import { writeOutputFile } from '../../files.js';
import { count } from '../../lib/render/plural.js';

export default class CrushGet extends StoreCommand {
  static override summary = 'Write the CRUSH map of an OSDMap epoch to a file (= `ceph-monstore-tool <store> get crushmap -- --version N --out F`).';
  static override description =
    'The CRUSH map embedded in `osdmap/full_<epoch>`, ready for `crushtool -d`, `monctl crush decompile` or `ceph osd setcrushmap`. Without --epoch, the newest.';
  static override examples = ['<%= config.bin %> crush get -o crush.bin', '<%= config.bin %> crush get --epoch 20 -o crush.20'];
  static override flags = {
    epoch: Flags.string({ char: 'e', summary: 'The osdmap epoch (default: osdmap/last_committed).' }),
    out: Flags.string({ char: 'o', summary: 'Write the CRUSH map to this file.', required: true }),
  };

  async run(): Promise<{ epoch: number; length: number; crush_version: number; out: string }> {
    const { flags } = await this.parse(CrushGet);
    const { epoch, map } = await this.withStore(flags.store, (store) => readFullMap(store, flags.epoch));
    writeOutputFile(flags.out, map.crushBytes);
    this.log(`wrote crush map of osdmap epoch ${epoch} (crush_version ${map.crushVersion}, ${count(map.crushBytes.length, 'byte')}) to ${flags.out}`);
    return { epoch, length: map.crushBytes.length, crush_version: map.crushVersion, out: flags.out };
  }
}
