import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { readMonMap } from '../../lib/mon/monmap/store.js';
import { writeOutputFile } from '../../files.js';

export default class MonmapGet extends StoreCommand {
  static override summary = 'Write a MonMap from the store to a file (= `ceph-monstore-tool <store> get monmap -- --version N --out F`).';
  static override description =
    'The file holds the raw bytes of `monmap/<epoch>`, ready for `monmaptool --print` or `ceph-mon --inject-monmap`. Without --epoch, the newest (monmap/last_committed).';
  static override examples = ['<%= config.bin %> monmap get -o monmap.bin', '<%= config.bin %> monmap get --epoch 3 -o monmap.3'];
  static override flags = {
    epoch: Flags.string({ char: 'e', summary: 'The epoch to write (default: monmap/last_committed).' }),
    out: Flags.string({ char: 'o', summary: 'Write the MonMap to this file.', required: true }),
  };

  async run(): Promise<{ epoch: number; key: string; length: number; out: string }> {
    const { flags } = await this.parse(MonmapGet);
    const { epoch, key, bytes } = await this.withStore(flags.store, (store) => readMonMap(store, flags.epoch));
    writeOutputFile(flags.out, bytes);
    this.log(`wrote monmap epoch ${epoch} to ${flags.out}`);
    return { epoch, key, length: bytes.length, out: flags.out };
  }
}
