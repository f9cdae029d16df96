import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOSDMap, printOSDMap } from '../../../src/lib/osdmap/index.js';
import { FIXTURES_DIR } from '../../helpers/ceph.js';

/**
 * `osdmap print` of a Reef+ map scores each pool's read balance by mapping every PG (as
 * osdmaptool does). A damaged map must not make print run for hours: a pg_num no monitor
 * allows, or a CRUSH loop (which Ceph's mapper also never leaves), is reported on the pool's
 * line instead (codec fuzz found both).
 */
describe('read balance score on damaged Reef maps', () => {
  const load = () => decodeOSDMap(readFileSync(join(FIXTURES_DIR, 'maps', 'reef-osdmap.bin')));

  it('the fixture map scores every pool (baseline)', () => {
    expect(printOSDMap(load())).toMatch(/read_balance_score \d/);
  });

  it('a pg_num of 2^32-1 is reported, not mapped', () => {
    const m = load();
    m.pools.get(1)!.pgNum = 0xffffffff;
    const t = performance.now();
    expect(printOSDMap(m)).toContain('ERROR: pool 1 pg_num 4294967295 is more than a monitor allows; read balance not scored');
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('a CRUSH loop is reported, not descended', () => {
    const m = load();
    const root = m.crush.buckets.find((b) => b && b.items.some((i) => i < 0))!;
    const child = m.crush.buckets[-1 - root.items.find((i) => i < 0)!]!;
    child.items = [...child.items, root.id];
    const t = performance.now();
    expect(printOSDMap(m)).toMatch(/ERROR: the CRUSH map has a loop through bucket -\d+; read balance not scored/);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
