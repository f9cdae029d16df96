/**
 * crush test on worker threads prints exactly what one thread prints: mappings, bad mappings and
 * statistics over 40,000 x (above the threshold), on 2 threads and on 3 in slices of 9,999 x, with a --weight override
 * and --pool-id so that every input path is crossed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crushTestText, decodeCrushMap, type CrushTestOptions } from '../../../src/lib/crush/index.js';
import { crushTestChunksParallel, PARALLEL_MIN_X } from '../../../src/lib/crush/tester-parallel.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/index.js';
import { GOLDEN_DIR } from '../../helpers/ceph.js';

const bytes = decodeOSDMap(readFileSync(join(GOLDEN_DIR, 'placement', 'tree-hosts.osdmap'))).crushBytes;

describe('crushTestChunksParallel', () => {
  it('40,000 x on 2 and 3 threads = one thread', async () => {
    const opts: CrushTestOptions = {
      minX: 0,
      maxX: 39_999,
      minRep: 2,
      maxRep: 6,
      showMappings: true,
      showBadMappings: true,
      showUtilization: true,
      weights: new Map([[3, 0.5], [7, 0]]),
      poolId: 3,
    };
    expect(opts.maxX! + 1).toBeGreaterThan(PARALLEL_MIN_X);
    const one = crushTestText(decodeCrushMap(bytes), opts);
    expect(one).toContain('bad mapping rule 0');
    expect(one).toContain('device 3:');
    for (const [threads, slice] of [[2, undefined], [3, 9_999]] as const) {
      let text = '';
      for await (const c of crushTestChunksParallel(bytes, opts, threads, slice)) text += c;
      expect(text.length).toBe(one.length);
      expect(text === one).toBe(true);
    }
  }, 120_000);
});
