/**
 * osdmap verify split over two threads (verify-parallel.ts) on a synthetic history: the same
 * report as the single-threaded run, a flipped byte in the worker's share or right at the
 * split epoch is found, and the lowest mismatching epoch wins.
 */
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osdmapHistory, type HistoryEpoch } from '../../../bench/osdmap-history.js';
import { writeHistoryStore } from '../../../bench/verify-store.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/index.js';
import { verifyHistory } from '../../../src/lib/mon/osd/verify.js';
import { splitPoint, verifyHistoryParallel } from '../../../src/lib/mon/osd/verify-parallel.js';
import { mulberry32 } from '../../../src/lib/random.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { tempDir } from '../../helpers/stores.js';

const EPOCHS = 120;
/** Epochs 1..121: the first epoch rebuilt is 2, so the split is splitPoint(2, 121). */
const SPLIT = splitPoint(2, EPOCHS + 1);
const parallel = { threads: 2, minEpochs: 0 };

describe('osdmap verify on two threads', () => {
  const tmp = tempDir('verify-parallel');
  let history: HistoryEpoch[] = [];
  let n = 0;

  /** A copy of the history with byte `offset` of full_<e> flipped, for each [e, offset]. */
  async function corrupted(flips: Array<[number, number]>, dels: string[] = []): Promise<string> {
    const mon = join(tmp.dir, `bad-${n++}`);
    await writeHistoryStore(mon, history);
    const db = new ClassicLevel<string, Uint8Array>(join(mon, 'store.db'), { valueEncoding: 'view' });
    await db.open();
    try {
      for (const [e, offset] of flips) {
        const bad = Buffer.from(history[e - 1]!.full);
        bad[offset] = bad[offset]! ^ 0x40;
        await db.put(`osdmap\0full_${e}`, bad);
      }
      for (const k of dels) await db.del(`osdmap\0${k}`);
    } finally {
      await db.close();
    }
    return mon;
  }

  const both = (mon: string) =>
    MonStore.with(mon, {}, async (s) => {
      const seen: number[] = [];
      const par = await verifyHistoryParallel(s, { ...parallel, onProgress: (done, total) => seen.push(done / total) });
      return { seq: await verifyHistory(s), par, seen };
    });

  beforeAll(async () => {
    const base = await MonStore.with(extractFixture('leveldb'), {}, async (s) => decodeOSDMap(await s.require('osdmap', 'full_31')));
    history = [...osdmapHistory(base, { epochs: EPOCHS, rng: mulberry32(7), bootBatch: 2 })];
    await writeHistoryStore(join(tmp.dir, 'good'), history);
  }, 60_000);
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('gives the single-threaded report on a good history, with progress up to the end', async () => {
    const { seq, par, seen } = await both(join(tmp.dir, 'good'));
    expect(par).toEqual(seq);
    expect(par).toEqual({ from: 1, to: EPOCHS + 1, rebuilt: EPOCHS, missingFull: [], ok: true });
    expect(seen.at(-1)).toBe(1);
    expect(Math.max(...seen)).toBe(1);
  });

  it('finds a flipped byte in a middle epoch of the second share', async () => {
    expect(SPLIT).toBeGreaterThan(50);
    expect(SPLIT).toBeLessThan(80);
    const { seq, par } = await both(await corrupted([[95, 1000]]));
    expect(par.mismatch).toMatchObject({ epoch: 95, key: 'osdmap/full_95', reason: 'bytes', offset: 1000 });
    expect(par).toEqual(seq);
  });

  it('reports the lowest epoch when both shares have a mismatch', async () => {
    const { seq, par } = await both(await corrupted([[40, 500], [105, 800]]));
    expect(par.mismatch).toMatchObject({ epoch: 40, offset: 500 });
    expect(par).toEqual(seq);
  });

  it('finds a mismatch right at the split epoch (the first share compares it)', async () => {
    const { seq, par } = await both(await corrupted([[SPLIT, 1000]]));
    expect(par.mismatch).toMatchObject({ epoch: SPLIT, offset: 1000 });
    expect(par).toEqual(seq);
  });

  it('finds a mismatch right after the split epoch (the second share\'s first epoch)', async () => {
    const { seq, par } = await both(await corrupted([[SPLIT + 1, 1000]]));
    expect(par.mismatch).toMatchObject({ epoch: SPLIT + 1, offset: 1000 });
    expect(par).toEqual(seq);
  });

  it('a missing incremental in the second share fails as the single-threaded run does', async () => {
    const mon = await corrupted([], ['100']);
    const seqError = await MonStore.with(mon, {}, (s) => verifyHistory(s)).catch((e: unknown) => e);
    const parError = await MonStore.with(mon, {}, (s) => verifyHistoryParallel(s, parallel)).catch((e: unknown) => e);
    expect(seqError).toMatchObject({ code: 'KEY_NOT_FOUND', key: 'osdmap/100' });
    expect(parError).toMatchObject({ code: 'KEY_NOT_FOUND', key: 'osdmap/100', message: (seqError as Error).message, actions: (seqError as { actions: string[] }).actions });
  });

  it('a mismatch in the first share wins over a missing incremental in the second', async () => {
    const { seq, par } = await both(await corrupted([[20, 700]], ['100']));
    expect(par.mismatch).toMatchObject({ epoch: 20, offset: 700 });
    expect(par).toEqual(seq);
  });
});
