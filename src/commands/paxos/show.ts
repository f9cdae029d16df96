import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { committedVersions, readPaxosState, readPaxosVersion } from '../../lib/mon/paxos/index.js';
import { OutputSink } from '../../lib/render/output.js';
import { formatTransaction } from '../../lib/mon/transaction-text.js';
import { toJson } from '../../lib/render/json.js';
import { dumpPaxosVersion } from '../../lib/mon/paxos/index.js';
import { count } from '../../lib/render/plural.js';

function parseVersion(s: string | undefined, what: string): bigint | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new MonctlError('BAD_ARGUMENT', `${what} must be a version number, not "${s}"`);
  return BigInt(s);
}

export default class PaxosShow extends StoreCommand {
  static override summary = 'Decode paxos versions as MonitorDBStore transactions (`--json` = `ceph-monstore-tool dump-paxos`).';
  static override examples = ['<%= config.bin %> paxos show 42', '<%= config.bin %> paxos show --from 40 --to 45 --json'];
  static override args = {
    version: Args.string({ description: 'One version (default: all from first to last committed).' }),
  };
  static override flags = {
    from: Flags.string({ summary: 'First version to show.', exclusive: ['version'] }),
    to: Flags.string({ summary: 'Last version to show.', exclusive: ['version'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PaxosShow);
    const json = this.jsonEnabled();
    const out = new OutputSink();
    await this.withStore(flags.store, async (store) => {
      const st = await readPaxosState(store);
      const one = parseVersion(args.version, 'VERSION');
      const from = one ?? parseVersion(flags.from, '--from') ?? st.first_committed ?? 0n;
      const to = one ?? parseVersion(flags.to, '--to') ?? st.last_committed ?? 0n;
      if (one !== undefined && (await store.get('paxos', one.toString())) === undefined) {
        throw new MonctlError('KEY_NOT_FOUND', `paxos version ${one} is not in the store (first_committed ${st.first_committed ?? 0}, last_committed ${st.last_committed ?? 0})`, {
          key: `paxos/${one}`,
          actions: ['See which versions exist with `monctl paxos versions`.'],
        });
      }
      if (json) await out.write('[');
      let n = 0;
      for (let v = from; v <= to && v > 0n; v++) {
        const tx = await readPaxosVersion(store, v);
        if (!tx) continue;
        if (json) await out.write(`${n === 0 ? '\n' : ',\n'}${toJson({ version: v, ...dumpPaxosVersion(tx) })}`);
        else {
          const commits = committedVersions(tx).map((c) => `${c.service} ${c.version}${c.known ? '' : ' (unknown service)'}`);
          await out.line(`--- ${v} --- ${count(tx.ops.length, 'op')}, ${count(tx.keys, 'key')}, ${count(tx.bytes, 'byte')}${commits.length > 0 ? `; commits ${commits.join(', ')}` : ''}`);
          for (const l of formatTransaction(tx)) await out.line(`  ${l}`);
        }
        n++;
        if (out.isClosed) break;
      }
      if (json) await out.line(n === 0 ? ']' : '\n]');
    });
    await out.flush();
  }
}
