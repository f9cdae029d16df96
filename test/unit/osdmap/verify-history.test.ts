/**
 * osdmap verify on a synthetic history (bench/osdmap-history.ts at small size, from the
 * fixture's 6-OSD map): every epoch written with the encode cache equals the plain encoder's
 * bytes, the history verifies, and a flipped byte or a pruned full map is reported.
 */
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osdmapHistory, type HistoryEpoch } from '../../../bench/osdmap-history.js';
import { writeHistoryStore } from '../../../bench/verify-store.js';
import { applyIncremental, decodeIncremental, decodeOSDMap, encodeOSDMap, type OSDMap } from '../../../src/lib/osdmap/index.js';
import { verifyHistory } from '../../../src/lib/mon/osd/verify.js';
import { mulberry32 } from '../../../src/lib/random.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { tempDir } from '../../helpers/stores.js';

const EPOCHS = 120;

async function editStore(monDir: string, fn: (db: ClassicLevel<string, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new ClassicLevel<string, Uint8Array>(join(monDir, 'store.db'), { valueEncoding: 'view' });
  await db.open();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

describe('osdmap verify on a generated history', () => {
  const tmp = tempDir('verify-history');
  let history: HistoryEpoch[] = [];
  let base: OSDMap;

  beforeAll(async () => {
    base = await MonStore.with(extractFixture('leveldb'), {}, async (s) => decodeOSDMap((await s.require('osdmap', 'full_31'))));
    history = [...osdmapHistory(base, { epochs: EPOCHS, rng: mulberry32(7), bootBatch: 2 })];
    await writeHistoryStore(join(tmp.dir, 'good'), history);
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('the history changes something every epoch and its full maps decode with their CRCs', () => {
    expect(history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS + 1 }, (_, i) => i + 1));
    let changed = 0;
    for (let i = 1; i < history.length; i++) if (Buffer.compare(history[i]!.full.subarray(0, -4), history[i - 1]!.full.subarray(0, -4)) !== 0) changed++;
    expect(changed).toBe(EPOCHS);
    const last = decodeOSDMap(history.at(-1)!.full);
    expect(last.epoch).toBe(EPOCHS + 1);
    expect(last.pgUpmapItems.size + last.pgTemp.size).toBeGreaterThan(0);
  });

  it('the encode cache gives the plain encoder bytes: deep-copy apply + uncached encode, epoch by epoch', () => {
    let map = decodeOSDMap(history[0]!.full);
    for (const h of history.slice(1)) {
      const inc = decodeIncremental(h.inc);
      map = applyIncremental(map, inc);
      const plain = encodeOSDMap(map, inc.encodeFeatures);
      expect(Buffer.from(plain).equals(h.full), `epoch ${h.epoch}`).toBe(true);
      expect(map.crc).toBe(inc.fullCrc);
    }
  });

  it('verifyHistory rebuilds every epoch and finds them equal', async () => {
    const report = await MonStore.with(join(tmp.dir, 'good'), {}, (s) => verifyHistory(s));
    expect(report).toEqual({ from: 1, to: EPOCHS + 1, rebuilt: EPOCHS, missingFull: [], ok: true });
  });

  it('a flipped byte is the first mismatch, at its offset; a pruned full map is rebuilt but not compared', async () => {
    const mon = join(tmp.dir, 'bad');
    await writeHistoryStore(mon, history);
    const bad = Buffer.from(history[60]!.full);
    bad[1000] = bad[1000]! ^ 0x40;
    await editStore(mon, async (db) => {
      await db.put('osdmap\0full_61', bad);
      await db.del('osdmap\0full_30');
    });
    const report = await MonStore.with(mon, {}, (s) => verifyHistory(s));
    expect(report.ok).toBe(false);
    expect(report.missingFull).toEqual([30]);
    expect(report.rebuilt).toBe(59);
    expect(report.mismatch).toMatchObject({ epoch: 61, key: 'osdmap/full_61', reason: 'bytes', offset: 1000 });
    expect(report.mismatch!.rebuiltCrc).toBe(report.mismatch!.incFullCrc);
  });
});
