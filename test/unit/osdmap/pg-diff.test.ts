/**
 * pg diff on hand-made changes of committed maps (test/fixtures/golden/placement, made by
 * osdmaptool): the same map moves nothing; marking one OSD out moves exactly the PGs whose up set
 * held it; an upmap item moves exactly its PG, by one replica; an erasure-coded pool counts moved
 * shards by position.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import PgDiff, { type PgDiffJson } from '../../../src/commands/pg/diff.js';
import { decodeOSDMap, encodeOSDMap, type OSDMap } from '../../../src/lib/osdmap/index.js';
import { pgMapSet } from '../../../src/lib/osdmap/osdmap-codec.js';
import { diffPlacement, formatPlacementDiff, movedReplicas } from '../../../src/lib/osdmap/pg-diff.js';
import { CRUSH_ITEM_NONE as NONE, pgToUpActing } from '../../../src/lib/osdmap/placement.js';
import { GOLDEN_DIR } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';
import { tempDir } from '../../helpers/stores.js';

const load = (name: string): OSDMap => decodeOSDMap(readFileSync(join(GOLDEN_DIR, 'placement', `${name}.osdmap`)));
/** simple-upmap without its balancer upmaps: plain CRUSH placement, 12 OSDs up, osd.5 out. */
const plain = (): OSDMap => {
  const m = load('simple-upmap');
  m.pgUpmapItems.clear();
  return m;
};

const pgsHolding = (m: OSDMap, osd: number): string[] => {
  const out: string[] = [];
  for (const [id, pool] of m.pools) for (let ps = 0; ps < pool.pgNum; ps++) if (pgToUpActing(m, { pool: id, seed: ps }).up.includes(osd)) out.push(`${id}.${ps.toString(16)}`);
  return out;
};

describe('diffPlacement', () => {
  it('a map against itself: nothing changes', () => {
    const d = diffPlacement(plain(), plain());
    expect(d).toMatchObject({ pgsCompared: 96, pgsChanged: 0, replicas: 288, replicasMoved: 0, percentMoved: 0, changes: [] });
  });

  it.each([0, 3, 11])('osd.%i marked out: exactly its PGs move, each losing it and keeping its size', (osd) => {
    const a = plain();
    const b = plain();
    b.osdWeight[osd] = 0;
    b.epoch = a.epoch + 1;
    const d = diffPlacement(a, b);
    const holding = pgsHolding(a, osd);
    expect(holding.length).toBeGreaterThan(10);
    expect(d.changes.map((c) => `${c.pgid.pool}.${c.pgid.seed.toString(16)}`)).toEqual(holding);
    let moved = 0;
    for (const c of d.changes) {
      expect(c.to.up).not.toContain(osd);
      expect(c.to.up).toHaveLength(c.from.up.length);
      expect(c.moved).toBeGreaterThanOrEqual(1);
      moved += c.to.up.filter((o) => !c.from.up.includes(o)).length;
    }
    expect(d.replicasMoved).toBe(moved);
    expect(d.percentMoved).toBeCloseTo((100 * moved) / 288, 10);
    expect(formatPlacementDiff(d).split('\n')[0]).toBe(`osdmap e${a.epoch} -> e${b.epoch}: 96 pgs compared, ${holding.length} changed (up ${holding.length}, acting ${holding.length})`);
  });

  it('one pg_upmap_items entry moves exactly that PG by one replica', () => {
    const a = plain();
    const b = plain();
    const before = pgToUpActing(a, { pool: 1, seed: 0x2a });
    const target = [...Array(12).keys()].find((o) => o !== 5 && !before.up.includes(o))!;
    pgMapSet(b.pgUpmapItems, { pool: 1, seed: 0x2a }, [[before.up[1]!, target]]);
    const d = diffPlacement(a, b);
    expect(d.pgsChanged).toBe(1);
    expect(d.replicasMoved).toBe(1);
    expect(d.changes[0]!.to.up).toEqual([before.up[0], target, before.up[2]]);
    expect(formatPlacementDiff(d)).toContain(`1.2a\tup ([${before.up.join(',')}], p${before.upPrimary}) -> ([${before.up[0]},${target},${before.up[2]}], p${before.upPrimary})`);
    expect(formatPlacementDiff(d).trimEnd().split('\n').at(-1)).toBe(`replicas moved: 1 of 288 (${(100 / 288).toFixed(2)}%)`);
  });

  it('a pg_temp changes acting only; moved counts the up sets', () => {
    const a = plain();
    const b = plain();
    pgMapSet(b.pgTemp, { pool: 1, seed: 3 }, [1, 2, 3]);
    const d = diffPlacement(a, b);
    expect(d).toMatchObject({ pgsChanged: 1, upChanged: 0, actingChanged: 1, replicasMoved: 0 });
    expect(d.changes[0]!.to.acting).toEqual([1, 2, 3]);
  });

  it('erasure-coded shards move by position; pg_num growth is counted, not compared', () => {
    const a = load('fixture-31');
    const b = load('fixture-31');
    b.osdWeight[0] = 0;
    b.pools.get(1)!.pgNum = 40;
    const d = diffPlacement(a, b, {});
    expect(d.pgsAdded).toBe(8);
    expect(d.pgsCompared).toBe(48);
    const ec = d.changes.filter((c) => c.pgid.pool === 2);
    expect(ec.length).toBeGreaterThan(0);
    for (const c of ec) expect(c.moved).toBe(movedReplicas(c.from.up, c.to.up, true));
    expect(movedReplicas([1, 2, 3], [2, 1, NONE], true)).toBe(2);
    expect(movedReplicas([1, 2, 3], [2, 1, NONE], false)).toBe(0);
    expect(movedReplicas([1, 2, 3], [2, 4, 1], false)).toBe(1);
    expect(diffPlacement(a, b, { pool: 2 }).pgsCompared).toBe(16);
  });
});

describe('pg diff command', () => {
  const tmp = tempDir('pg-diff');
  afterAll(() => tmp.cleanup());

  it('--osdmap A --to-osdmap B: text and --json', async () => {
    const a = plain();
    const b = plain();
    b.osdWeight[3] = 0;
    b.epoch++;
    const fa = join(tmp.dir, 'a');
    const fb = join(tmp.dir, 'b');
    writeFileSync(fa, encodeOSDMap(a));
    writeFileSync(fb, encodeOSDMap(b));
    const t = await runCommand(PgDiff, ['--osdmap', fa, '--to-osdmap', fb]);
    expect(t.exitCode, t.stderr).toBe(0);
    expect(t.stdout).toBe(formatPlacementDiff(diffPlacement(a, b)));
    const j = await runCommand<PgDiffJson>(PgDiff, ['--osdmap', fa, '--to-osdmap', fb, '--json', '--pool', 'rbd']);
    expect(j.result).toMatchObject({ from_epoch: a.epoch, to_epoch: b.epoch, pgs_compared: 96, replicas: 288 });
    expect(j.result!.changes.length).toBe(pgsHolding(a, 3).length);
    expect(j.result!.changes[0]).toHaveProperty('from.up_primary');
  });

  it('no maps named: BAD_ARGUMENT', async () => {
    const r = await runCommand(PgDiff, ['--json', '-s', tmp.dir]);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('BAD_ARGUMENT');
  });
});
