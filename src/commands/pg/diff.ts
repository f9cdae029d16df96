import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { decodeOSDMap, type OSDMap } from '../../lib/osdmap/index.js';
import { diffPlacement, formatPlacementDiff, type PgSets } from '../../lib/osdmap/pg-diff.js';
import { formatPg } from '../../lib/osdmap/pg.js';
import { poolIdByName } from '../../lib/osdmap/placement.js';
import { readFullMap } from '../../lib/mon/osd/store.js';
import { readInputFile } from '../../files.js';
import { poolFlag, resolvePool } from '../../lib/cli/pg-flags.js';
import { chalkFor, colorDiffLine } from '../../lib/render/color.js';

interface SetsJson {
  up: number[];
  up_primary: number;
  acting: number[];
  acting_primary: number;
}

export interface PgDiffJson {
  from_epoch: number;
  to_epoch: number;
  pgs_compared: number;
  pgs_changed: number;
  up_changed: number;
  acting_changed: number;
  replicas: number;
  replicas_moved: number;
  percent_moved: number | null;
  pgs_added: number;
  pgs_removed: number;
  changes: { pgid: string; from: SetsJson; to: SetsJson; up_changed: boolean; acting_changed: boolean; moved: number }[];
}

/** --pool in the newer map, else in the older one (a deleted pool's PGs count as removed). */
function poolOfEither(a: OSDMap, b: OSDMap, pool: string | undefined): number | undefined {
  if (pool === undefined) return undefined;
  const id = /^\d+$/.test(pool) ? Number(pool) : (poolIdByName(b, pool) ?? poolIdByName(a, pool));
  if (id !== undefined && a.pools.has(id) && !b.pools.has(id)) return id;
  return resolvePool(b, pool);
}

const setsJson = (s: PgSets): SetsJson => ({ up: s.up, up_primary: s.upPrimary, acting: s.acting, acting_primary: s.actingPrimary });

export default class PgDiff extends StoreCommand {
  static override summary = 'Which PGs change their up or acting OSDs between two OSDMaps, and the share of replicas that move.';
  static override description =
    'Maps every PG of every pool (or --pool) through both maps. Prints one line per PG whose up or acting set (or primary) differs, then ' +
    'how many replicas land on a new OSD out of all replicas of the older up sets (replicated: OSDs new to the set; erasure: shards whose ' +
    'position gets another OSD). Compares two stored epochs (--from, --to; default the newest) or two files (--osdmap, --to-osdmap).';
  static override examples = [
    '<%= config.bin %> pg diff -s mon-a --from 20 --to 31',
    '<%= config.bin %> pg diff --osdmap before.osdmap --to-osdmap after.osdmap --json',
  ];
  static override flags = {
    from: Flags.string({ summary: 'The older osdmap epoch in the store.', exclusive: ['osdmap'] }),
    to: Flags.string({ summary: 'The newer osdmap epoch in the store (default: osdmap/last_committed).', exclusive: ['to-osdmap'] }),
    osdmap: Flags.string({ char: 'm', summary: 'The older map, from a file.', dependsOn: ['to-osdmap'] }),
    'to-osdmap': Flags.string({ summary: 'The newer map, from a file.', dependsOn: ['osdmap'] }),
    pool: poolFlag,
  };

  async run(): Promise<PgDiffJson> {
    const { flags } = await this.parse(PgDiff);
    let a: OSDMap;
    let b: OSDMap;
    if (flags.osdmap !== undefined && flags['to-osdmap'] !== undefined) {
      a = decodeOSDMap(readInputFile(flags.osdmap));
      b = decodeOSDMap(readInputFile(flags['to-osdmap']));
    } else if (flags.from !== undefined) {
      const [ea, eb] = [flags.from, flags.to];
      [a, b] = await this.withStore(flags.store, async (s) => [(await readFullMap(s, ea)).map, (await readFullMap(s, eb)).map]);
    } else {
      throw new MonctlError('BAD_ARGUMENT', 'name two epochs (--from E1 [--to E2]) or two files (--osdmap A --to-osdmap B)', {
        actions: ['See the stored epochs with `monctl store versions`.'],
      });
    }
    const d = diffPlacement(a, b, { pool: poolOfEither(a, b, flags.pool) });
    if (!this.jsonEnabled()) {
      const c = chalkFor(process.stdout);
      process.stdout.write(formatPlacementDiff(d).split('\n').map((l) => colorDiffLine(l, c)).join('\n'));
    }
    return {
      from_epoch: d.fromEpoch,
      to_epoch: d.toEpoch,
      pgs_compared: d.pgsCompared,
      pgs_changed: d.pgsChanged,
      up_changed: d.upChanged,
      acting_changed: d.actingChanged,
      replicas: d.replicas,
      replicas_moved: d.replicasMoved,
      percent_moved: Number.isFinite(d.percentMoved) ? d.percentMoved : null,
      pgs_added: d.pgsAdded,
      pgs_removed: d.pgsRemoved,
      changes: d.changes.map((c) => ({
        pgid: formatPg(c.pgid),
        from: setsJson(c.from),
        to: setsJson(c.to),
        up_changed: c.upChanged,
        acting_changed: c.actingChanged,
        moved: c.moved,
      })),
    };
  }
}
