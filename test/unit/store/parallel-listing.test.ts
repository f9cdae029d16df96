import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelDbBackend } from '../../../src/lib/store/leveldb.js';
import { RocksDbBackend } from '../../../src/lib/store/rocksdb.js';
import { listingChunks, type ListingKind } from '../../../src/lib/store/listing.js';
import { parallelListingChunks, splitRange } from '../../../src/lib/store/parallel-listing.js';
import { MonStore, prefixKeyRange, rawKey, type KeyRange } from '../../../src/lib/store/index.js';
import { makeSyntheticMonStore, tempDir } from '../../helpers/stores.js';

async function text(chunks: AsyncIterable<{ text: string; keys: number }>): Promise<{ text: string; keys: number }> {
  let t = '';
  let n = 0;
  for await (const c of chunks) {
    t += c.text;
    n += c.keys;
  }
  return { text: t, keys: n };
}

/** Worker-thread listings must print exactly what the one-thread listing prints. */
describe.each(['leveldb', 'rocksdb'] as const)('parallel listing on %s', (backend) => {
  const tmp = tempDir(`par-${backend}`);
  let mon = '';
  beforeAll(async () => {
    mon = await makeSyntheticMonStore(tmp.dir, backend);
    // more keys, in table files, so approximateSize has something to split
    const db = backend === 'leveldb' ? await LevelDbBackend.open(join(mon, 'store.db'), true) : await RocksDbBackend.open(join(mon, 'store.db'), true);
    const value = new Uint8Array(300).fill(7);
    for (const prefix of ['logm', 'mgrstat', 'paxos', 'z+odd key']) {
      await db.batch(Array.from({ length: 3000 }, (_, i) => ({ type: 'put' as const, key: rawKey(prefix, String(i)), value })));
    }
    await db.compactRange(new Uint8Array([0]), new Uint8Array([0xff]));
    await db.close();
  });
  afterAll(() => tmp.cleanup());

  it('splits the key space into ordered, gap-free ranges', async () => {
    await MonStore.with(mon, {}, async (store) => {
      const ranges = await splitRange(store, {}, 3);
      expect(ranges.length).toBeGreaterThanOrEqual(2);
      expect(ranges[0]!.gte).toBeUndefined();
      expect(ranges[ranges.length - 1]!.lt).toBeUndefined();
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.gte).toBe(ranges[i - 1]!.lt);
    });
  });

  for (const kind of ['list', 'crc'] as ListingKind[]) {
    for (const [label, range] of [
      ['whole store', {}],
      ['one prefix', prefixKeyRange('paxos')],
    ] as Array<[string, KeyRange]>) {
      it(`${kind}, ${label}: 2 and 3 workers print exactly the one-thread output`, async () => {
        await MonStore.with(mon, {}, async (store) => {
          const one = await text(listingChunks(store, kind, range));
          expect(one.keys).toBeGreaterThan(3000);
          for (const workers of [2, 3]) {
            const many = await text(parallelListingChunks(store, mon, kind, range, { workers, minBytes: 0 }));
            expect(many).toEqual(one);
          }
        });
      });
    }
  }
});
