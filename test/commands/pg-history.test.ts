/**
 * pg history on the committed fixture stores: as stored (every OSD down at every epoch), on a
 * copy whose full maps of epochs 25..31 are edited (OSDs up and in, one out, one down), and with
 * a full map removed so that its epoch is rebuilt from the incremental. Each epoch's answer is
 * what `pg map --epoch E` (pgToUpActing on that full map) gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgHistoryCommand, { formatPgHistory, type PgHistoryJson } from '../../src/commands/pg/history.js';
import { pgHistory } from '../../src/lib/mon/osd/pg-history.js';
import { pgToUpActing } from '../../src/lib/osdmap/placement.js';
import { readFullMap } from '../../src/lib/mon/osd/store.js';
import { MonStore, TransactionBuilder } from '../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { makeHistoryStore } from '../helpers/history-store.js';
import { runCommand } from '../helpers/run-command.js';

const NONE = 2147483647;

describe.each(['rocksdb', 'leveldb'] as const)('pg history on the %s fixture', (backend) => {
  let plain = '';
  let edited = '';
  beforeAll(async () => {
    plain = extractFixture(backend);
    edited = await makeHistoryStore(backend);
  });
  afterAll(() => removeTempDirs());

  it('as stored: pool 2 appears at epoch 24 with all-NONE sets, nothing moves after', async () => {
    const r = await runCommand<PgHistoryJson>(PgHistoryCommand, ['-s', plain, '2.5', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = r.result!;
    expect(j).toMatchObject({ pgid: '2.5', from: 1, to: 31, moves: 1 });
    expect(j.epochs).toHaveLength(31);
    expect(j.epochs.filter((e) => e.pgid === null).map((e) => e.epoch)).toEqual([...Array(23).keys()].map((i) => i + 1));
    expect(j.epochs[23]).toMatchObject({ epoch: 24, pgid: '2.5', up: [NONE, NONE, NONE], up_changed: true, acting_changed: true, source: 'full' });
    expect(j.epochs.slice(24).every((e) => !e.up_changed && !e.acting_changed)).toBe(true);
  });

  it('edited epochs: every epoch equals pg map on that epoch\'s full map; moves marked where the sets differ', async () => {
    const h = await MonStore.with(edited, {}, (s) => pgHistory(s, { pool: 1, seed: 0x2f }, { from: 20 }));
    expect(h.entries.map((e) => e.epoch)).toEqual([...Array(12).keys()].map((i) => i + 20));
    let moves = 0;
    await MonStore.with(edited, {}, async (s) => {
      let prev: string | undefined;
      for (const e of h.entries) {
        const p = pgToUpActing((await readFullMap(s, e.epoch)).map, { pool: 1, seed: 0x2f });
        expect({ up: e.up, upPrimary: e.upPrimary, acting: e.acting, actingPrimary: e.actingPrimary }).toEqual({
          up: p.up,
          upPrimary: p.upPrimary,
          acting: p.acting,
          actingPrimary: p.actingPrimary,
        });
        expect(e.pgid).toEqual({ pool: 1, seed: 0xf });
        const now = JSON.stringify([p.up, p.upPrimary, p.acting, p.actingPrimary]);
        expect(e.upChanged || e.actingChanged, `epoch ${e.epoch}`).toBe(prev !== undefined && prev !== now);
        if (e.upChanged || e.actingChanged) moves++;
        prev = now;
      }
    });
    expect(h.entries.find((e) => e.epoch === 25)!.upChanged).toBe(true); // from [] to three OSDs
    expect(moves).toBeGreaterThanOrEqual(1);
    const text = formatPgHistory(h);
    expect(text.split('\n')[0]).toBe('pg 1.2f, osdmap epochs 20..31 (* = up or acting changed)');
    expect(text).toContain(`* e25\t1.f up ([${h.entries[5]!.up.join(',')}], p${h.entries[5]!.upPrimary})`);
    expect(text.trimEnd().split('\n').at(-1)).toBe(`moved in ${moves} of 12 epochs`);
  });

  it('across all PGs, some move when osd.2 goes out and when it comes back', async () => {
    const moved = new Set<number>();
    await MonStore.with(edited, {}, async (s) => {
      for (const [pool, n] of [[1, 32], [2, 16]] as const) {
        for (let ps = 0; ps < n; ps++) {
          const h = await pgHistory(s, { pool, seed: ps }, { from: 26, to: 31 });
          for (const e of h.entries) if (e.upChanged) moved.add(e.epoch);
        }
      }
    });
    expect([...moved].sort()).toEqual([27, 29, 31]);
  });

  it('a pruned full map is rebuilt from the previous map and the incremental', async () => {
    const before = await MonStore.with(plain, {}, (s) => pgHistory(s, { pool: 1, seed: 3 }, { from: 28, to: 31 }));
    await MonStore.with(plain, { write: true }, (s) => s.apply(new TransactionBuilder().erase('osdmap', 'full_30').tx));
    const after = await MonStore.with(plain, {}, (s) => pgHistory(s, { pool: 1, seed: 3 }, { from: 28, to: 31 }));
    expect(after.entries.map((e) => e.source)).toEqual(['full', 'full', 'incremental', 'full']);
    expect(after.entries.map(({ source: _, ...e }) => e)).toEqual(before.entries.map(({ source: _, ...e }) => e));
    const r = await runCommand(PgHistoryCommand, ['-s', plain, '1.3', '--from', '30', '--to', '31']);
    expect(r.exitCode).toBe(6); // KEY_NOT_FOUND: the first epoch asked for must have a full map
    expect(r.stderr).toContain('no full OSDMap for epoch 30');
  });

  it('epochs outside the store: BAD_ARGUMENT', async () => {
    const r = await runCommand(PgHistoryCommand, ['-s', plain, '1.3', '--from', '5', '--to', '40', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BAD_ARGUMENT', key: 'osdmap/first_committed' });
  });
});
