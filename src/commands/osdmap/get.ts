import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { crc32c } from '../../lib/encoding/index.js';
import { readFullMapBytes } from '../../lib/mon/osd/store.js';
import { writeOutputFile } from '../../files.js';
import { count } from '../../lib/render/plural.js';

export default class OsdmapGet extends StoreCommand {
  static override summary = 'Write a full OSDMap from the store to a file (= `ceph-monstore-tool <store> get osdmap -- --version N --out F`).';
  static override description =
    'The file holds the raw bytes of `osdmap/full_<epoch>`, ready for `osdmaptool`, `monctl osdmap print --osdmap` or `ceph osd setmap`. The value is copied as stored, even when it does not decode. Without --epoch, the newest (osdmap/last_committed).';
  static override examples = ['<%= config.bin %> osdmap get -o osdmap.bin', '<%= config.bin %> osdmap get --epoch 20 -o osdmap.20'];
  static override flags = {
    epoch: Flags.string({ char: 'e', summary: 'The epoch to write (default: osdmap/last_committed).' }),
    out: Flags.string({ char: 'o', summary: 'Write the OSDMap to this file.', required: true }),
  };

  async run(): Promise<{ epoch: number; key: string; length: number; crc: number; out: string }> {
    const { flags } = await this.parse(OsdmapGet);
    const { epoch, key, bytes } = await this.withStore(flags.store, (store) => readFullMapBytes(store, flags.epoch));
    writeOutputFile(flags.out, bytes);
    this.log(`wrote osdmap epoch ${epoch} (${count(bytes.length, 'byte')}) to ${flags.out}`);
    return { epoch, key, length: bytes.length, crc: crc32c(0, bytes), out: flags.out };
  }
}
