import { StoreCommand } from '../../base-command.js';
import { PAXOS_STATE_KEYS, readPaxosState, type PaxosState } from '../../lib/mon/paxos/index.js';
import { table } from '../../lib/render/index.js';

export default class PaxosVersions extends StoreCommand {
  static override summary = 'The paxos bookkeeping: first/last committed, pending proposal, proposal numbers.';
  static override examples = ['<%= config.bin %> paxos versions', '<%= config.bin %> paxos versions --json'];

  async run(): Promise<PaxosState & { versions: bigint }> {
    const { flags } = await this.parse(PaxosVersions);
    const state = await this.withStore(flags.store, (store) => readPaxosState(store));
    const first = state.first_committed ?? 0n;
    const last = state.last_committed ?? 0n;
    const versions = last >= first && last > 0n ? last - first + 1n : 0n;
    this.log(table(['KEY', 'VALUE'], PAXOS_STATE_KEYS.map((k) => [k, state[k] ?? '-']), ['left', 'right']));
    this.log(`${versions} committed versions kept (${first}..${last})`);
    return { ...state, versions };
  }
}
