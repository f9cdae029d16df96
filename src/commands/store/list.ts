import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { OutputSink, Progress, toJson } from '../../lib/render/index.js';
import { urlEscape } from '../../lib/store/index.js';

export default class StoreList extends StoreCommand {
  static override summary = 'List keys as `prefix<TAB>key` (URL-escaped), like `ceph-kvstore-tool … list [prefix]`.';
  static override examples = ['<%= config.bin %> store list -s /var/lib/ceph/mon/ceph-a', '<%= config.bin %> store list --prefix osdmap'];
  static override flags = {
    prefix: Flags.string({ char: 'p', summary: 'Only keys of this prefix.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StoreList);
    const json = this.jsonEnabled();
    const out = new OutputSink();
    const progress = new Progress('listing keys');
    let n = 0;
    await this.withStore(flags.store, async (store) => {
      if (json) await out.write('[');
      for await (const chunk of store.chunks({ prefix: flags.prefix, values: false })) {
        for (const e of chunk) {
          if (json) await out.write(`${n === 0 ? '\n' : ',\n'}    ${toJson({ prefix: e.prefix, key: e.key }, 0)}`);
          else await out.line(`${urlEscape(e.prefix)}\t${urlEscape(e.key)}`);
          n++;
        }
        progress.update(n);
        if (out.isClosed) break;
      }
      if (json) await out.line(n === 0 ? ']' : '\n]');
    });
    progress.done();
    await out.flush();
  }
}
