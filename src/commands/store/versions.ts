import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { PAXOS_PREFIX, readAllServiceVersions, readServiceVersions, serviceInfo, type ServiceVersions } from '../../lib/mon/paxos/index.js';
import { table } from '../../lib/render/index.js';

type VersionsJson = Record<string, { first_committed: bigint; last_committed: bigint; full_latest?: bigint }>;

/** What the service keeps per version (see PAXOS_SERVICES). */
function keeps(service: string): string {
  if (service === PAXOS_PREFIX) return 'transactions';
  const info = serviceInfo(service);
  if (!info) return 'unknown service';
  if (!info.versionValues) return 'named keys only';
  return info.fullVersions ? 'versions + full' : 'versions';
}

export default class StoreVersions extends StoreCommand {
  static override summary = 'First/last committed (and full_latest) of every paxos service, like `ceph-monstore-tool show-versions`.';
  static override description = 'Lists the services every Ceph release since Pacific creates, plus any other prefix the store keeps paxos bookkeeping for (nvmeofgw on Squid and later, or a service monctl does not know).';
  static override examples = ['<%= config.bin %> store versions', '<%= config.bin %> store versions --map-type osdmap'];
  static override flags = {
    'map-type': Flags.string({ char: 'm', summary: 'One service only, printed as `show-versions -- --map-type` prints it.' }),
  };

  async run(): Promise<VersionsJson> {
    const { flags } = await this.parse(StoreVersions);
    const all: ServiceVersions[] = await this.withStore(flags.store, async (store) =>
      flags['map-type'] ? [await readServiceVersions(store, flags['map-type'])] : readAllServiceVersions(store),
    );
    if (flags['map-type']) {
      const v = all[0]!;
      this.log(`first committed:\t${v.first_committed}\nlast  committed:\t${v.last_committed}`);
    } else {
      const rows = all.map((v) => [v.service, v.first_committed, v.last_committed, v.full_latest ?? '-', keeps(v.service)]);
      this.log(table(['SERVICE', 'FIRST_COMMITTED', 'LAST_COMMITTED', 'FULL_LATEST', 'KEEPS'], rows, ['left', 'right', 'right', 'right', 'left']));
    }
    const json: VersionsJson = {};
    for (const { service, ...rest } of all) json[service] = rest;
    return json;
  }
}
