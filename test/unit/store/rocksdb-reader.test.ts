import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/lib/encoding/crc32c.js';
import type { RawBatchOp } from '../../../src/lib/store/backend.js';
import {
  builtinChecksum,
  CHECKSUM_CRC32C,
  CHECKSUM_XXH3,
  CHECKSUM_XXHASH,
  CHECKSUM_XXHASH64,
  contextModifier,
  loadChecksums,
} from '../../../src/lib/store/rocksdb-reader/checksum.js';
import { lz4Block, uncompressBlock, UnsupportedCompression } from '../../../src/lib/store/rocksdb-reader/compression.js';
import { RocksDbReader } from '../../../src/lib/store/rocksdb-reader/index.js';
import { LOG_BLOCK_SIZE, readLogFile } from '../../../src/lib/store/rocksdb-reader/log.js';
import type { RocksVersion } from '../../../src/lib/store/rocksdb-reader/manifest.js';
import { TYPE_DELETION, TYPE_VALUE } from '../../../src/lib/store/rocksdb-reader/types.js';
import { replayWal } from '../../../src/lib/store/rocksdb-reader/wal.js';
import { appendWal, encodeLogFile, encodeWriteBatch } from '../../../src/lib/store/rocksdb-wal-writer.js';
import { tempDir } from '../../helpers/stores.js';

const dirs: Array<{ cleanup: () => void }> = [];
function scratch(label: string): string {
  const d = tempDir(`rocksdb-reader-${label}`);
  dirs.push(d);
  return d.dir;
}
afterAll(() => {
  for (const d of dirs) d.cleanup();
});

const b = (s: string) => Buffer.from(s, 'latin1');

describe('block checksums (ComputeBuiltinChecksum): RocksDB’s own golden values', () => {
  beforeAll(loadChecksums);

  // table/table_test.cc BlockBasedTableTest.ChecksumSchemas: three blocks whose last byte is
  // the compression type (none, snappy, zstd), the checksum printed as its little-endian bytes.
  const b0 = '';
  const b1 = 'This is a short block!';
  const b2 = 'This is a long block!'.repeat(100); // 2100 + 1 bytes: XXH3's long-input path (> 240)
  const golden: Record<number, [string, string[]]> = {
    [CHECKSUM_CRC32C]: ['D8EA82A2', ['D28F2549', '052B2843', '46F8F711', '583F0355', '2F9B0A57', 'ECE7DA1D', '943EF0AB', '43A2EDB1', '00E53D63']],
    [CHECKSUM_XXHASH]: ['055DCC02', ['3EB065CF', '31F79238', '320D2E00', '4A2E5FB0', '0BD9F652', 'B4107E50', '20F4D4BA', '8F1A1F99', 'A191A338']],
    [CHECKSUM_XXHASH64]: ['99E9D851', ['682705DB', '30E7211B', 'B7BB58E8', 'B74655EF', 'B6C8BBBE', 'AED9E3B4', '0D4999FE', 'F5932423', '6B31BAB1']],
    [CHECKSUM_XXH3]: ['00000000', ['C294D338', '1B174353', '2D0E20C8', 'B37FB5E6', '6AFC258D', '5CE54616', 'FA2D482E', '23AED845', '15B7BBDE']],
  };
  const le = (hex: string) => Buffer.from(hex, 'hex').readUInt32LE(0);

  it.each(Object.entries(golden))('checksum type %s: empty input, 1 byte, 23 bytes and 2101 bytes, each compression-type last byte', (type, [empty, values]) => {
    expect(builtinChecksum(Number(type), new Uint8Array(0))).toBe(le(empty));
    let i = 0;
    for (const body of [b0, b1, b2]) {
      for (const ct of [0, 1, 7]) {
        expect(builtinChecksum(Number(type), Buffer.concat([b(body), Buffer.from([ct])])), `block ${body.length} + ${ct}`).toBe(le(values[i++]!));
      }
    }
  });

  it('XXH3 folds the last byte in: changing only that byte changes the checksum by prime multiples', () => {
    const data = b(b2 + '\x00');
    const alt = b(b2 + '\x07');
    const x = builtinChecksum(CHECKSUM_XXH3, data);
    const y = builtinChecksum(CHECKSUM_XXH3, alt);
    expect((x ^ y) >>> 0).toBe(Math.imul(7, 0x6b9083d9) >>> 0);
  });

  it('format_version 6 context: base ^ (low + high 32 bits of the offset), nothing without a base', () => {
    expect(contextModifier(0, 123456)).toBe(0);
    expect(contextModifier(0x12345678, 0)).toBe(0x12345678);
    expect(contextModifier(0x12345678, 0x1000)).toBe((0x12345678 ^ 0x1000) >>> 0);
    expect(contextModifier(0xdeadbeef, 2 ** 32 * 3 + 5)).toBe((0xdeadbeef ^ 8) >>> 0);
  });
});

describe('LZ4 blocks (hand-made)', () => {
  const block = (...parts: Array<number[] | string | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? b(p) : Buffer.from(p))));

  it('literals only', () => {
    expect(Buffer.from(lz4Block(block([0x50], 'hello'), 5)).toString()).toBe('hello');
  });

  it('overlapping matches: offset 2 repeats a pair, offset 1 repeats a byte', () => {
    // "ab", then 6 bytes from 2 back (overlapping), then "z"; then "q" and 20 copies of it.
    const out = lz4Block(block([0x22], 'ab', [2, 0], [0x10], 'z'), 9);
    expect(Buffer.from(out).toString()).toBe('ababababz');
    const rle = lz4Block(block([0x1f], 'q', [1, 0], [1], [0x00]), 21);
    expect(Buffer.from(rle).toString()).toBe('q'.repeat(21));
  });

  it('long literal and match lengths (255 continuation bytes)', () => {
    const lits = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));
    // 300 literals = 15 + 255 + 30; then a match of 4 + 15 + 255 + 10 = 284 bytes at offset 300.
    const src = block([0xff], [255, 30], lits, [0x2c, 0x01], [255, 10], [0x00]);
    const out = lz4Block(src, 300 + 284);
    expect(Buffer.from(out.subarray(0, 300)).equals(lits)).toBe(true);
    expect(Buffer.from(out.subarray(300)).equals(lits.subarray(0, 284))).toBe(true);
    // A literal run of exactly 15 needs a 0 continuation byte.
    expect(Buffer.from(lz4Block(block([0xf0], [0], 'fifteen bytes!!'), 15)).toString()).toBe('fifteen bytes!!');
  });

  it('refuses bad blocks: offset 0, offset before the start, wrong size, truncated lengths', () => {
    expect(() => lz4Block(block([0x10], 'a', [0, 0]), 5)).toThrow(/bad match/);
    expect(() => lz4Block(block([0x10], 'a', [2, 0]), 5)).toThrow(/bad match/);
    expect(() => lz4Block(block([0x30], 'abc'), 4)).toThrow(/decoded 3 bytes, expected 4/);
    expect(() => lz4Block(block([0xf0]), 20)).toThrow(/truncated literal length/);
    expect(() => lz4Block(block([0x1f], 'a', [1, 0]), 30)).toThrow(/truncated match length/);
    expect(() => lz4Block(block([0x20], 'a'), 2)).toThrow(/past the end/);
  });

  it('uncompressBlock: LZ4/LZ4HC and zlib after a varint32 size; bzip2 and xpress refused by name, a bad zstd frame is an error', () => {
    expect(Buffer.from(uncompressBlock(4, block([5], [0x50], 'hello'))).toString()).toBe('hello');
    expect(Buffer.from(uncompressBlock(5, block([5], [0x50], 'hello'))).toString()).toBe('hello');
    const text = b('monitor store '.repeat(50));
    const z = Buffer.concat([Buffer.from([text.length & 0x7f | 0x80, text.length >> 7]), deflateRawSync(text)]);
    expect(Buffer.from(uncompressBlock(2, z)).equals(text)).toBe(true);
    z[0] = (z[0]! + 1) & 0xff;
    expect(() => uncompressBlock(2, z)).toThrow(/inflated to 700 bytes, not 701/);
    // zstd frames are read (the format matrix has real ones); garbage is not a frame.
    expect(() => uncompressBlock(7, new Uint8Array([4, 1, 2, 3, 4]))).toThrow();
    for (const [type, name] of [[3, 'bzip2'], [6, 'xpress']] as const) {
      let err: unknown;
      try {
        uncompressBlock(type, new Uint8Array(4));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedCompression);
      expect((err as UnsupportedCompression).codec).toBe(name);
    }
  });
});

/** One physical log record, built here rather than by the writer under test. */
function physical(type: number, payload: Uint8Array, logNumber?: number): Buffer {
  const header = Buffer.alloc(logNumber === undefined ? 7 : 11);
  header.writeUInt16LE(payload.length, 4);
  header[6] = type;
  if (logNumber !== undefined) header.writeUInt32LE(logNumber, 7);
  const crc = (crc32c(0xffffffff, Buffer.concat([header.subarray(6), payload])) ^ 0xffffffff) >>> 0;
  header.writeUInt32LE((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0, 0);
  return Buffer.concat([header, payload]);
}

const pattern = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 17 + (i >> 8)) & 0xff));

describe('log files (readLogFile)', () => {
  it('recyclable records: 11-byte headers carry the log number; a record of an older use of the file ends the log', () => {
    const file = Buffer.concat([
      physical(5, b('one'), 9),
      physical(6, b('two-a '), 9),
      physical(7, b('two-b '), 9),
      physical(8, b('two-c'), 9),
      physical(5, b('stale, from when this file was log 3'), 3),
      physical(5, b('never reached'), 9),
    ]);
    const r = readLogFile(file, 9);
    expect(r.records.map((x) => Buffer.from(x).toString())).toEqual(['one', 'two-a two-b two-c']);
    expect(r.stop).toBeUndefined();
  });

  it('skips record types marked safe to ignore (predecessor-WAL info, 130 and recyclable 131)', () => {
    const file = Buffer.concat([physical(130, b('pred')), physical(1, b('a')), physical(131, b('pred'), 4), physical(1, b('b'))]);
    expect(readLogFile(file, 4).records.map((x) => Buffer.from(x).toString())).toEqual(['a', 'b']);
  });

  it('a torn tail stops reading with the offset and the reason; records before it are kept', () => {
    const one = physical(1, b('first'));
    const whole = Buffer.concat([one, physical(1, pattern(100))]);
    const torn = readLogFile(whole.subarray(0, whole.length - 5), 1);
    expect(torn.records.map((x) => Buffer.from(x).toString())).toEqual(['first']);
    expect(torn.stop).toEqual({ offset: one.length, why: 'the log ends inside a record' });
    expect(readLogFile(whole.subarray(0, one.length + 4), 1).stop).toEqual({ offset: one.length, why: 'the log ends inside a record header' });
    // A record fragmented over blocks, cut after its FIRST fragment (exactly at the block end) or inside a later one.
    const big = encodeLogFile(pattern(70_000));
    expect(readLogFile(big.subarray(0, LOG_BLOCK_SIZE), 1)).toEqual({ records: [], stop: { offset: LOG_BLOCK_SIZE, why: 'the log ends inside a fragmented record' } });
    expect(readLogFile(big.subarray(0, 40_000), 1).stop?.why).toBe('the log ends inside a record');
  });

  it('a zero-filled tail (preallocated space) ends the log cleanly, within a block and across blocks', () => {
    const rec = encodeLogFile(pattern(1000));
    for (const zeros of [7, 4096, 40_000]) {
      const r = readLogFile(Buffer.concat([rec, Buffer.alloc(zeros)]), 1);
      expect(r.stop, `${zeros} zeros`).toBeUndefined();
      expect(r.records).toHaveLength(1);
    }
  });

  it('a checksum mismatch stops reading there', () => {
    const file = Buffer.concat([physical(1, b('good')), physical(1, b('damaged')), physical(1, b('after'))]);
    file[11 + 7 + 2]! ^= 0x40;
    const r = readLogFile(file, 1);
    expect(r.records.map((x) => Buffer.from(x).toString())).toEqual(['good']);
    expect(r.stop).toEqual({ offset: 11, why: 'record checksum mismatch' });
  });

  it('unknown record types and fragments out of order stop reading; WAL compression is reported', () => {
    expect(readLogFile(physical(12, b('x')), 1).stop?.why).toBe('record type 12 out of order or unknown');
    expect(readLogFile(physical(3, b('middle without first')), 1).stop?.why).toMatch(/out of order/);
    expect(readLogFile(Buffer.concat([physical(9, Buffer.from([7])), physical(1, b('x'))]), 1).unsupported).toBe('WAL compression (type 7)');
    expect(readLogFile(Buffer.concat([physical(9, Buffer.from([0])), physical(1, b('x'))]), 1).records).toHaveLength(1);
  });

  const H = 7;
  const sizes = [0, 1, 100, LOG_BLOCK_SIZE - H - 1, LOG_BLOCK_SIZE - H, LOG_BLOCK_SIZE - H + 1, LOG_BLOCK_SIZE, 2 * (LOG_BLOCK_SIZE - H) - 1, 2 * (LOG_BLOCK_SIZE - H), 2 * (LOG_BLOCK_SIZE - H) + 1, 100_000, 3 * LOG_BLOCK_SIZE + 5];
  it.each(sizes)('encodeLogFile → readLogFile: one record of %i bytes', (n) => {
    const rec = pattern(n, n);
    const file = encodeLogFile(rec);
    const fragments = Math.max(1, Math.ceil(n / (LOG_BLOCK_SIZE - H)));
    expect(file.length).toBe(n + H * fragments);
    const r = readLogFile(file, 1);
    expect(r.stop).toBeUndefined();
    expect(r.records).toHaveLength(1);
    expect(Buffer.from(r.records[0]!).equals(rec)).toBe(true);
  });

  it('a block tail too short for a header is padding: the next record starts the next block', () => {
    const first = encodeLogFile(pattern(LOG_BLOCK_SIZE - H - 3)); // leaves 3 bytes in block 0
    const second = encodeLogFile(pattern(50_000, 2));
    const r = readLogFile(Buffer.concat([first, Buffer.alloc(3), second]), 1);
    expect(r.stop).toBeUndefined();
    expect(r.records.map((x) => x.length)).toEqual([LOG_BLOCK_SIZE - H - 3, 50_000]);
  });
});

function version(logNumber = 0, lastSequence = 0): RocksVersion {
  return { manifest: 'MANIFEST-000002', nextFileNumber: 20, lastSequence, prevLogNumber: 0, minLogNumberToKeep: 0, families: new Map([[0, { id: 0, name: 'default', logNumber, levels: [] }]]) };
}
const logName = (n: number) => `${String(n).padStart(6, '0')}.log`;
const put = (k: string, v: string | Buffer): RawBatchOp => ({ type: 'put', key: b(k), value: typeof v === 'string' ? b(v) : v });
const del = (k: string): RawBatchOp => ({ type: 'del', key: b(k) });
/** Several small batches in one log file (each fits the first block, so records concatenate). */
const log = (...batches: Array<[number, RawBatchOp[]]>) => Buffer.concat(batches.map(([seq, ops]) => encodeLogFile(encodeWriteBatch(seq, ops))));

describe('write batches (encodeWriteBatch → replayWal)', () => {
  it('puts and deletes replay with their sequence numbers; the newest write of a key wins', () => {
    const dir = scratch('batch');
    const big = pattern(120_000);
    writeFileSync(join(dir, logName(7)), Buffer.concat([log([100, [put('paxos\x00001', 'v1'), put('paxos\x00002', 'v2'), del('gone')]])]));
    writeFileSync(join(dir, logName(8)), encodeLogFile(encodeWriteBatch(103, [put('paxos\x00001', big), del('paxos\x00002'), put('', 'empty key')])));
    const w = replayWal(dir, version(7));
    expect(w.logs).toEqual([7, 8]);
    expect(w.lastSequence).toBe(105);
    expect(w.nextSequence).toBe(106);
    expect(w.cut).toBe(false);
    expect(w.mem.map((e) => [Buffer.from(e.key).toString('latin1'), e.seq, e.type, e.value.length])).toEqual([
      ['', 105, TYPE_VALUE, 9],
      ['gone', 102, TYPE_DELETION, 0],
      ['paxos\x00001', 103, TYPE_VALUE, 120_000],
      ['paxos\x00002', 104, TYPE_DELETION, 0],
    ]);
    expect(Buffer.from(w.mem[2]!.value).equals(big)).toBe(true);
    // Logs below the MANIFEST's log number are already in tables.
    expect(replayWal(dir, version(8)).logs).toEqual([8]);
  });

  it('after a torn record, a later log is replayed only from the next sequence number on (point-in-time recovery)', () => {
    const dir = scratch('cut');
    const a = log([100, [put('a', '1'), put('b', '1')]]);
    const torn = encodeLogFile(encodeWriteBatch(102, [put('c', 'lost')]));
    writeFileSync(join(dir, logName(7)), Buffer.concat([a, torn.subarray(0, torn.length - 3)]));
    // Log 8 does not continue at 102: dropped. Log 9 does: replayed, and log 10 after it too.
    writeFileSync(join(dir, logName(8)), log([103, [put('d', 'dropped')]]));
    writeFileSync(join(dir, logName(9)), log([102, [put('e', 'kept')]], [103, [put('f', 'kept')]]));
    writeFileSync(join(dir, logName(10)), log([200, [put('g', 'kept')]]));
    const w = replayWal(dir, version(7));
    expect(w.stopped).toMatchObject({ log: logName(7), why: 'the log ends inside a record' });
    expect(w.cut).toBe(false);
    expect(w.mem.map((e) => Buffer.from(e.key).toString())).toEqual(['a', 'b', 'e', 'f', 'g']);
    expect(w.nextSequence).toBe(201);
    // Without a consecutive log the cut stays: nothing after it counts.
    const dir2 = scratch('cut2');
    writeFileSync(join(dir2, logName(7)), Buffer.concat([a, torn.subarray(0, torn.length - 3)]));
    writeFileSync(join(dir2, logName(8)), log([103, [put('d', 'dropped')]]));
    const w2 = replayWal(dir2, version(7));
    expect(w2.cut).toBe(true);
    expect(w2.nextSequence).toBe(102);
    expect(w2.mem.map((e) => Buffer.from(e.key).toString())).toEqual(['a', 'b']);
  });
});

/** A store with no tables: CURRENT, a MANIFEST of one VersionEdit, and the given logs. */
function store(logs: Record<number, Buffer>, manifest: { logNumber: number; nextFile: number; lastSequence: number }): string {
  const dir = scratch('store');
  const edit: number[] = [];
  const varint = (n: number) => {
    for (; n >= 0x80; n = Math.floor(n / 128)) edit.push((n & 0x7f) | 0x80);
    edit.push(n);
  };
  const cmp = b('leveldb.BytewiseComparator');
  varint(1);
  varint(cmp.length);
  edit.push(...cmp);
  varint(2);
  varint(manifest.logNumber);
  varint(3);
  varint(manifest.nextFile);
  varint(4);
  varint(manifest.lastSequence);
  writeFileSync(join(dir, 'MANIFEST-000002'), encodeLogFile(Buffer.from(edit)));
  writeFileSync(join(dir, 'CURRENT'), 'MANIFEST-000002\n');
  for (const [n, bytes] of Object.entries(logs)) writeFileSync(join(dir, logName(Number(n))), bytes);
  return dir;
}

describe('appendWal on a store (sequence numbers RocksDB replays)', () => {
  it('a clean store: the next write follows the highest sequence of the MANIFEST and the logs; a 150 KB batch fragments and reads back', async () => {
    const dir = store({ 7: log([100, [put('a', '1'), put('b', '1')]]) }, { logNumber: 7, nextFile: 9, lastSequence: 150 });
    const r = await RocksDbReader.open(dir);
    expect(r.lastSequence).toBe(150);
    const big = pattern(150_000, 3);
    const { file, sequence } = appendWal(dir, { nextFileNumber: r.version.nextFileNumber, lastSequence: r.lastSequence }, [put('c', big), del('a')]);
    r.close();
    expect(sequence).toBe(151);
    expect(file).toBe(logName(9));
    const again = await RocksDbReader.open(dir);
    try {
      expect(Buffer.from(again.get(b('c'))!).equals(big)).toBe(true);
      expect(again.get(b('a'))).toBeUndefined();
      expect(again.lastSequence).toBe(152);
    } finally {
      again.close();
    }
  });

  it('a store whose newest log is torn: the write continues right after the last replayed batch, even when the MANIFEST counted further', async () => {
    const torn = encodeLogFile(encodeWriteBatch(102, [put('c', 'lost')]));
    // MANIFEST last sequence 150: a write the lost tail held (older RocksDB recorded the live sequence).
    const dir = store({ 7: Buffer.concat([log([100, [put('a', '1'), put('b', '1')]]), torn.subarray(0, torn.length - 2)]) }, { logNumber: 7, nextFile: 9, lastSequence: 150 });
    const r = await RocksDbReader.open(dir);
    expect(r.wal.cut).toBe(true);
    expect(r.lastSequence).toBe(101);
    appendWal(dir, { nextFileNumber: r.version.nextFileNumber, lastSequence: r.lastSequence }, [put('d', 'after the tear')]);
    r.close();
    const again = await RocksDbReader.open(dir);
    try {
      expect(Buffer.from(again.get(b('d')) ?? []).toString()).toBe('after the tear');
      expect(again.get(b('c'))).toBeUndefined();
      expect(again.wal.cut).toBe(false);
    } finally {
      again.close();
    }
  });
});
