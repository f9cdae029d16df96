import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { OutputSink, Progress, toJson } from '../../lib/render/index.js';
import { keyValueCrc, urlEscape } from '../../lib/store/index.js';

export default class StoreCrc extends StoreCommand {
  static override summary = 'Print `prefix<TAB>key<TAB>crc32c` per key, like `ceph-kvstore-tool … list-crc`.';
  static override examples = ['<%= config.bin %> store crc --prefix paxos'];
  static override flags = {
    prefix: Flags.string({ char: 'p', summary: 'Only keys of this prefix.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StoreCrc);
    const json = this.jsonEnabled();
    const out = new OutputSink();
    const progress = new Progress('checksumming');
    let n = 0;
    await this.withStore(flags.store, async (store) => {
      if (json) await out.write('[');
      for await (const chunk of store.chunks({ prefix: flags.prefix })) {
        for (const e of chunk) {
          const crc = keyValueCrc(e.prefix, e.key, e.value);
          if (json) await out.write(`${n === 0 ? '\n' : ',\n'}    ${toJson({ prefix: e.prefix, key: e.key, crc }, 0)}`);
          else await out.line(`${urlEscape(e.prefix)}\t${urlEscape(e.key)}\t${crc}`);
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
