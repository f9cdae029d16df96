/**
 * Mapping PGs on worker threads gives exactly the single-threaded answer: the committed
 * fixture-31 map (replicated and erasure pools, upmaps, a primary affinity) with --pg-num 20000
 * (40,000 PGs, over the threshold), on 2 and 3 threads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import PgDumpMap from '../../../src/commands/pg/dump-map.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/index.js';
import { PARALLEL_MIN_PGS, runPgMappingParallel } from '../../../src/lib/osdmap/placement-parallel.js';
import { runPgMapping } from '../../../src/lib/osdmap/pg-stats.js';
import { GOLDEN_DIR } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';

const FILE = join(GOLDEN_DIR, 'placement', 'fixture-31.osdmap');

describe('runPgMappingParallel', () => {
  it('40,000 PGs on 2 and 3 threads = one thread', async () => {
    const m = decodeOSDMap(readFileSync(FILE));
    const opts = { pgNum: 20_000 };
    expect(2 * opts.pgNum).toBeGreaterThan(PARALLEL_MIN_PGS);
    const one = runPgMapping(m, opts, true);
    expect(one.text[0]!.split('\n')).toHaveLength(20_001);
    for (const threads of [2, 3]) {
      const par = await runPgMappingParallel(m, opts, true, threads);
      expect(par.stats).toEqual(one.stats);
      expect(par.text).toEqual(one.text);
    }
    const statsOnly = await runPgMappingParallel(m, opts, false, 2);
    expect(statsOnly.stats).toEqual(one.stats);
  }, 120_000);

  it('the command prints the same with --threads 1 and --threads 2', async () => {
    const a = await runCommand(PgDumpMap, ['--osdmap', FILE, '--pg-num', '10000', '--threads', '1']);
    const b = await runCommand(PgDumpMap, ['--osdmap', FILE, '--pg-num', '10000', '--threads', '2']);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(a.stdout.split('\n').filter((l) => /^\d+\.[0-9a-f]+\t/.test(l))).toHaveLength(20_000);
  }, 120_000);
});
