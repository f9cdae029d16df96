import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { safeDecoders, storeValueDecoders } from '../../lib/mon/decoders.js';
import { OutputSink } from '../../lib/render/output.js';
import { Progress } from '../../lib/render/progress.js';
import { formatRendered, renderValue } from '../../lib/render/value.js';
import { toJson } from '../../lib/render/json.js';

export default class StoreDump extends StoreCommand {
  static override summary = 'Show keys with value sizes and a readable value (numbers, text, or a hex head).';
  static override examples = ['<%= config.bin %> store dump --prefix osdmap', '<%= config.bin %> store dump --prefix paxos --key last_committed'];
  static override flags = {
    prefix: Flags.string({ char: 'p', summary: 'Only keys of this prefix.' }),
    key: Flags.string({ char: 'k', summary: 'Only this key (needs --prefix).', dependsOn: ['prefix'] }),
    decode: Flags.boolean({ summary: 'Decode values monctl has codecs for (paxos transactions, MonMaps, OSDMaps and incrementals).' }),
    'hex-bytes': Flags.integer({ summary: 'How many bytes of a binary value to show.', default: 32, min: 0 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StoreDump);
    const json = this.jsonEnabled();
    const out = new OutputSink();
    const progress = new Progress('dumping');
    let n = 0;
    const opts = { decoders: flags.decode ? safeDecoders(storeValueDecoders) : [], hexBytes: flags['hex-bytes'] };
    await this.withStore(flags.store, async (store) => {
      if (json) await out.write('[');
      // One string per chunk of entries: per-line writes are the slow part of a big dump.
      const format = (prefix: string, key: string, value: Uint8Array): string => {
        const rendered = renderValue(prefix, key, value, opts);
        return json
          ? `${n++ === 0 ? '\n' : ',\n'}    ${toJson({ prefix, key, length: value.length, value: rendered }, 0)}`
          : `${prefix}\t${key}\t(${value.length} bytes)\t${formatRendered(rendered)}\n`;
      };
      if (flags.key !== undefined) {
        await out.write(format(flags.prefix!, flags.key, await store.require(flags.prefix!, flags.key)));
      } else {
        for await (const chunk of store.chunks({ prefix: flags.prefix })) {
          let text = '';
          for (const e of chunk) text += format(e.prefix, e.key, e.value);
          await out.write(text);
          progress.update((n += json ? 0 : chunk.length));
          if (out.isClosed) break;
        }
      }
      if (json) await out.line(n === 0 ? ']' : '\n]');
    });
    progress.done();
    await out.flush();
  }
}
