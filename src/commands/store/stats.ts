import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';

import { table } from '../../lib/render/index.js';
import { storeStats, type StoreStats } from '../../lib/mon/index.js';

function human(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

export default class StoreStatsCmd extends StoreCommand {
  static override summary = 'Per prefix: key count, bytes and the largest keys; a histogram of value sizes.';
  static override examples = ['<%= config.bin %> store stats', '<%= config.bin %> store stats --top 5 --json'];
  static override flags = {
    prefix: Flags.string({ char: 'p', summary: 'Only keys of this prefix.' }),
    top: Flags.integer({ summary: 'How many of the largest keys to list per prefix.', default: 3, min: 0 }),
  };

  async run(): Promise<StoreStats> {
    const { flags } = await this.parse(StoreStatsCmd);
    const stats = await this.withStore(flags.store, (store) => storeStats(store, { top: flags.top, prefix: flags.prefix }));
    const rows = stats.prefixes.map((p) => [
      p.prefix,
      p.owner,
      p.keys,
      human(p.bytes),
      human(p.approx_disk_bytes),
      p.largest.map((l) => `${l.key} (${human(l.bytes)})`).join(', '),
    ]);
    rows.push(['TOTAL', '', stats.total_keys, human(stats.total_bytes), human(stats.prefixes.reduce((a, p) => a + p.approx_disk_bytes, 0)), '']);
    this.log(table(['PREFIX', 'SERVICE', 'KEYS', 'BYTES', 'ON DISK (approx.)', 'LARGEST'], rows, ['left', 'left', 'right', 'right', 'right', 'left']));
    this.log('');
    this.log(table(['VALUE SIZE <', 'COUNT'], stats.value_size_histogram.map((h) => [human(h.upper_bound), h.count]), ['right', 'right']));
    return stats;
  }
}
