import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import { mulberry32 } from '../../../src/lib/random.js';
import { rawKeyValueCrc } from '../../../src/lib/store/keys.js';
import { LevelDbBackend } from '../../../src/lib/store/leveldb.js';
import { LevelDbReader, UnsupportedStore } from '../../../src/lib/store/leveldb-reader/index.js';
import { fillListing } from '../../../src/lib/store/leveldb-reader/lines.js';
import { snappyUncompress } from '../../../src/lib/store/leveldb-reader/snappy.js';
import { snapshotLevelDb } from '../../../src/lib/store/snapshot.js';
import { buildLevelDbStore as buildStore, randomKey } from '../../helpers/leveldb-gen.js';
import { hashTree, tempDir } from '../../helpers/stores.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What LevelDB itself returns, read from a private copy (classic-level rewrites files). */
async function classicEntries(dir: string, gte?: Uint8Array, lt?: Uint8Array): Promise<Array<[string, string]>> {
  const snap = snapshotLevelDb(dir);
  const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(snap.dir, { keyEncoding: 'view', valueEncoding: 'view' });
  try {
    await db.open();
    const out: Array<[string, string]> = [];
    for await (const [k, v] of db.iterator({ ...(gte ? { gte } : {}), ...(lt ? { lt } : {}) })) out.push([hex(k), hex(v)]);
    return out;
  } finally {
    await db.close();
    snap.dispose();
  }
}

function readerEntries(dir: string, gte?: Uint8Array, lt?: Uint8Array): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const c = LevelDbReader.open(dir, { verifyChecksums: true }).iterate(gte, lt); c.valid; c.next()) {
    out.push([hex(c.key.subarray(0, c.keyLen)), hex(c.valueBuf.subarray(c.valueOff, c.valueOff + c.valueLen))]);
  }
  return out;
}

/** The oracle for listing lines: Ceph's url_escape byte by byte, split at the first NUL. */
function expectedLine(key: Uint8Array, value: Uint8Array | undefined): string {
  const esc = (b: Uint8Array) =>
    [...b].map((x) => (/[A-Za-z0-9\-._~/]/.test(String.fromCharCode(x)) && x < 0x80 ? String.fromCharCode(x) : `%${x.toString(16).padStart(2, '0')}`)).join('');
  const nul = key.indexOf(0);
  const line = nul < 0 ? `${esc(key)}\t` : `${esc(key.subarray(0, nul))}\t${esc(key.subarray(nul + 1))}`;
  return value === undefined ? `${line}\n` : `${line}\t${rawKeyValueCrc(key, value)}\n`;
}

function listingText(dir: string, withCrc: boolean, bufBytes: number): string {
  const c = LevelDbReader.open(dir).iterate();
  let text = '';
  let out = Buffer.alloc(bufBytes);
  while (c.valid) {
    const { bytes, keys } = fillListing(c, withCrc, out);
    if (keys === 0) out = Buffer.alloc(out.length * 2);
    text += out.toString('latin1', 0, bytes);
  }
  return text;
}

const temps: Array<() => void> = [];
afterAll(() => temps.forEach((f) => f()));
function storeDir(label: string): string {
  const t = tempDir(label);
  temps.push(t.cleanup);
  return t.dir;
}

describe('leveldb-reader vs LevelDB (classic-level), seeded stores', () => {
  const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
  it.each(SEEDS)('seed %i: same entries, same ranges, same listing; the store is untouched', async (seed) => {
    const dir = storeDir(`ldbr-${seed}`);
    await buildStore(dir, seed);
    const before = hashTree(dir);
    const expected = await classicEntries(dir);
    expect(readerEntries(dir)).toEqual(expected);

    const rng = mulberry32(seed * 7919);
    for (let i = 0; i < 4; i++) {
      const [a, b] = [randomKey(rng), randomKey(rng)].sort(Buffer.compare);
      expect(readerEntries(dir, a, b), `range ${hex(a!)}..${hex(b!)}`).toEqual(await classicEntries(dir, a, b));
    }
    // The backend's generic calls (dump, copy, check use them) go through the reader too.
    const backend = await LevelDbBackend.open(dir, false);
    try {
      const got: Array<[string, string]> = [];
      for await (const chunk of backend.chunks({})) for (const e of chunk) got.push([hex(e.key), hex(e.value)]);
      expect(got).toEqual(expected);
      const keys: string[] = [];
      for await (const chunk of backend.keyStrings({})) keys.push(...chunk);
      expect(keys).toEqual(expected.map(([k]) => Buffer.from(k, 'hex').toString('utf8')));
    } finally {
      await backend.close();
    }
    for (const withCrc of [false, true]) {
      const want = expected.map(([k, v]) => expectedLine(Buffer.from(k, 'hex'), withCrc ? Buffer.from(v, 'hex') : undefined)).join('');
      // A small output buffer forces many chunk boundaries (and growth for long keys).
      expect(listingText(dir, withCrc, 64)).toBe(want);
    }
    expect(hashTree(dir)).toEqual(before);
  });

  it('the seeds cover several levels and unflushed logs', async () => {
    const levels = new Set<number>();
    let logTails = 0;
    for (const seed of [3, 5, 8, 13]) {
      const dir = storeDir(`cov2-${seed}`);
      await buildStore(dir, seed);
      const r = LevelDbReader.open(dir);
      r.version.levels.forEach((l, i) => l.length > 0 && levels.add(i));
      if (readdirSync(dir).some((n) => n.endsWith('.log'))) logTails++;
    }
    expect(levels.size).toBeGreaterThan(1);
    expect(logTails).toBeGreaterThan(0);
  });
});

describe('leveldb-reader decisions', () => {
  it('a damaged .log tail is not guessed at: the reader refuses and the backend falls back to LevelDB', async () => {
    const dir = storeDir('ldbr-torn');
    await buildStore(dir, 4);
    const log = readdirSync(dir).find((n) => n.endsWith('.log'))!;
    appendFileSync(join(dir, log), Buffer.from([1, 2, 3, 4, 200, 0, 1, 9, 9]));
    const before = hashTree(dir);
    expect(() => LevelDbReader.open(dir)).toThrow(UnsupportedStore);
    const backend = await LevelDbBackend.open(dir, false);
    const got: Array<[string, string]> = [];
    for await (const chunk of backend.chunks({})) for (const e of chunk) got.push([hex(e.key), hex(e.value)]);
    await backend.close();
    expect(got).toEqual(await classicEntries(dir));
    expect(hashTree(dir)).toEqual(before);
  });

  it('damage found after output started is a DECODE_INVALID MonctlError, not a stack trace', async () => {
    const dir = storeDir('ldbr-damaged');
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      maxFileSize: 16384,
      writeBufferSize: 32768,
      compression: false,
    });
    await db.open();
    for (let b = 0; b < 10; b++) {
      const put = (i: number) => ({ type: 'put' as const, key: Buffer.from(`paxos\0${String(i).padStart(5, '0')}`), value: new Uint8Array(100).fill(i) });
      await db.batch(Array.from({ length: 300 }, (_, i) => put(b * 300 + i)));
    }
    await db.compactRange(new Uint8Array([0]), new Uint8Array([0xff]));
    await db.close();
    const reader = LevelDbReader.open(dir);
    // The last file of the level with most files: opened only after earlier keys were listed.
    const level = [...reader.version.levels].sort((a, b) => b.length - a.length)[0]!;
    expect(level.length, JSON.stringify(reader.version.levels.map((l) => l.length))).toBeGreaterThan(2);
    const last = [...level].sort((a, b) => Buffer.compare(Buffer.from(a.smallest), Buffer.from(b.smallest))).at(-1)!;
    const file = join(dir, `${String(last.number).padStart(6, '0')}.ldb`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // the footer magic
    writeFileSync(file, bytes);
    const backend = await LevelDbBackend.open(dir, false);
    let keys = 0;
    const err = await (async () => {
      for await (const chunk of backend.chunks({})) keys += chunk.length;
    })().catch((e: unknown) => e);
    await backend.close();
    expect(keys).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(MonctlError);
    expect((err as MonctlError).code).toBe('DECODE_INVALID');
    expect((err as MonctlError).message).toContain('bad footer magic');
  });

  it('snappy: literals, short and long copies, overlapping runs; damaged input is refused', () => {
    // "abcabcabcabc" + "xyz": length 15; literal "abc"; copy len 9 offset 3 (1-byte offset form);
    // literal "xyz".
    const block = Uint8Array.from([15, 2 << 2, 0x61, 0x62, 0x63, ((9 - 4) << 2) | 1, 3, 2 << 2, 0x78, 0x79, 0x7a]);
    expect(Buffer.from(snappyUncompress(block)).toString()).toBe('abcabcabcabcxyz');
    // 2-byte-offset copy of 5 bytes from offset 5.
    const two = Uint8Array.from([10, 4 << 2, 0x31, 0x32, 0x33, 0x34, 0x35, ((5 - 1) << 2) | 2, 5, 0]);
    expect(Buffer.from(snappyUncompress(two)).toString()).toBe('1234512345');
    expect(() => snappyUncompress(Uint8Array.from([4, ((4 - 4) << 2) | 1, 1]))).toThrow(UnsupportedStore);
    expect(() => snappyUncompress(Uint8Array.from([9, 2 << 2, 0x61, 0x62, 0x63]))).toThrow(UnsupportedStore);
  });
});
