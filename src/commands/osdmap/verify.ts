import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import type { HistoryReport } from '../../lib/mon/osd/verify.js';
import { verifyHistoryParallel } from '../../lib/mon/osd/verify-parallel.js';
import { Progress } from '../../lib/render/progress.js';
import { count } from '../../lib/render/plural.js';

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** `osdmap verify --json`: the library's HistoryReport in snake_case, as every other --json. */
export interface VerifyJson {
  from: number;
  to: number;
  rebuilt: number;
  missing_full: number[];
  ok: boolean;
  mismatch?: {
    epoch: number;
    key: string;
    reason: 'bytes' | 'inc_full_crc';
    offset?: number;
    stored_length: number;
    rebuilt_length: number;
    stored_crc: number;
    stored_computed_crc: number;
    rebuilt_crc: number;
    inc_full_crc: number;
  };
}

export function verifyJson(r: HistoryReport): VerifyJson {
  const m = r.mismatch;
  return {
    from: r.from,
    to: r.to,
    rebuilt: r.rebuilt,
    missing_full: r.missingFull,
    ok: r.ok,
    ...(m
      ? {
          mismatch: {
            epoch: m.epoch,
            key: m.key,
            reason: m.reason,
            ...(m.offset !== undefined ? { offset: m.offset } : {}),
            stored_length: m.storedLength,
            rebuilt_length: m.rebuiltLength,
            stored_crc: m.storedCrc,
            stored_computed_crc: m.storedComputedCrc,
            rebuilt_crc: m.rebuiltCrc,
            inc_full_crc: m.incFullCrc,
          },
        }
      : {}),
  };
}

export default class OsdmapVerify extends StoreCommand {
  static override summary = 'Rebuild every stored OSDMap epoch from the first full map and the incrementals; compare bytes and CRCs; exit 1 at the first mismatch.';
  static override description =
    'From osdmap/full_<from>, each incremental osdmap/<e> is applied and the result encoded as the monitor did; it must equal osdmap/full_<e> byte for byte, and its CRC must equal the incremental\'s full_crc. The first mismatch is reported with the epoch, the offset of the first differing byte and both CRCs.';
  static override examples = ['<%= config.bin %> osdmap verify -s mon-a', '<%= config.bin %> osdmap verify -s mon-a --from 100 --to 200'];
  static override flags = {
    from: Flags.integer({ summary: 'The first epoch (its stored full map is the base; default osdmap/first_committed).', min: 0 }),
    to: Flags.integer({ summary: 'The last epoch to rebuild (default osdmap/last_committed).', min: 0 }),
  };

  async run(): Promise<VerifyJson> {
    const { flags } = await this.parse(OsdmapVerify);
    let progress: Progress | undefined;
    const report = await this.withStore(flags.store, (store) =>
      verifyHistoryParallel(store, {
        from: flags.from,
        to: flags.to,
        onProgress: (done, total) => {
          progress ??= new Progress('rebuilding osdmap epochs', total);
          progress.update(done);
        },
      }),
    );
    progress?.done();
    const skipped = report.missingFull.length > 0 ? ` (${count(report.missingFull.length, 'epoch has', 'epochs have')} no stored full map to compare)` : '';
    if (report.ok) {
      this.log(`verified epochs ${report.from}..${report.to}: ${count(report.rebuilt, 'full map')} rebuilt from incrementals, all bytes and CRCs match${skipped}`);
      return verifyJson(report);
    }
    const m = report.mismatch!;
    if (m.reason === 'bytes') {
      this.log(`MISMATCH at epoch ${m.epoch} (${m.key}): first differing byte at offset ${m.offset} (stored ${count(m.storedLength, 'byte')}, rebuilt ${count(m.rebuiltLength, 'byte')})`);
    } else {
      this.log(`MISMATCH at epoch ${m.epoch} (${m.key}): the bytes match, but the incremental's full_crc differs`);
    }
    this.log(`  stored CRC ${hex32(m.storedCrc)} (computed over the stored bytes: ${hex32(m.storedComputedCrc)}), rebuilt CRC ${hex32(m.rebuiltCrc)}, incremental full_crc ${hex32(m.incFullCrc)}`);
    this.log(`  epochs ${report.from + 1}..${m.epoch - 1} matched (${count(report.rebuilt - 1, 'full map')})`);
    if (this.jsonEnabled()) this.logJson(verifyJson(report));
    this.exit(1);
    return verifyJson(report);
  }
}
