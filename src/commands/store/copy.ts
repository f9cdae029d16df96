import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { copyStore, type CopyResult } from '../../lib/store/index.js';
import { Progress } from '../../lib/render/progress.js';

export default class StoreCopy extends StoreCommand {
  static override summary = 'Copy every key into a new mon data dir (DEST/store.db + kv_backend), like `ceph-monstore-tool store-copy`.';
  static override examples = ['<%= config.bin %> store copy /tmp/mon-a-copy', '<%= config.bin %> store copy /tmp/mon-a-ldb --backend leveldb'];
  static override args = {
    dest: Args.string({ required: true, description: 'New mon data dir (must not exist or be empty).' }),
  };
  static override flags = {
    backend: Flags.string({ summary: 'Backend of the copy (default: the source\'s).', options: ['leveldb', 'rocksdb'] }),
  };

  async run(): Promise<CopyResult> {
    const { args, flags } = await this.parse(StoreCopy);
    const progress = new Progress('copying keys');
    const r = await copyStore(flags.store, args.dest, {
      backend: flags.backend as 'leveldb' | 'rocksdb' | undefined,
      onProgress: (n) => progress.update(n),
    });
    progress.done();
    this.log(`copied ${r.keys} keys (${r.bytes} value bytes) in ${r.batches} batches to ${r.dest} (${r.backend})`);
    return r;
  }
}
