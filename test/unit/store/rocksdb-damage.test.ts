import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { runCli } from '../../helpers/crash.js';
import { hashTree } from '../../helpers/stores.js';

/**
 * A Reef store (RocksDB 7.9, XXH3) damaged or written by a format monctl does not know:
 * every read ends in a typed error naming the file (never exit 70), `store check` fails,
 * and nothing in the store changes.
 */
afterAll(() => removeTempDirs());

const sstOf = (mon: string) => {
  const db = join(mon, 'store.db');
  const ssts = readdirSync(db).filter((f) => f.endsWith('.sst'));
  return join(db, ssts.sort((a, b) => statSync(join(db, b)).size - statSync(join(db, a)).size)[0]!);
};

function patch(file: string, offset: number, bytes: number[]): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from(bytes), 0, bytes.length, offset);
  closeSync(fd);
}

const cases: Array<[string, (mon: string) => string, number, RegExp]> = [
  ['flipped bytes inside a data block', (mon) => (patch(sstOf(mon), 40, [0xde, 0xad, 0xbe, 0xef]), sstOf(mon)), 7, /DECODE_INVALID.*checksum mismatch/],
  ['a truncated table file', (mon) => (truncateSync(sstOf(mon), statSync(sstOf(mon)).size - 100), sstOf(mon)), 7, /DECODE_INVALID|damaged/],
  [
    'a table of a newer format_version (7)',
    (mon) => {
      const f = sstOf(mon);
      patch(f, statSync(f).size - 12, [7, 0, 0, 0]);
      return f;
    },
    7,
    /DECODE_TOO_NEW.*format_version 7/,
  ],
  [
    'an unknown checksum type',
    (mon) => {
      const f = sstOf(mon);
      patch(f, statSync(f).size - 53, [9]);
      return f;
    },
    7,
    /DECODE_TOO_NEW.*checksum type 9/,
  ],
  ['a table the MANIFEST lists is gone', (mon) => (rmSync(sstOf(mon)), 'store.db'), 4, /STORE_OPEN_FAILED/],
  [
    'an empty MANIFEST',
    (mon) => {
      const db = join(mon, 'store.db');
      const m = readFileSync(join(db, 'CURRENT'), 'latin1').trim();
      writeFileSync(join(db, m), '');
      return m;
    },
    7,
    /DECODE_INVALID.*MANIFEST/,
  ],
  ['CURRENT missing', (mon) => (rmSync(join(mon, 'store.db', 'CURRENT')), 'CURRENT'), 4, /STORE_OPEN_FAILED.*CURRENT/],
];

describe('damaged and too-new RocksDB stores (Reef fixture)', () => {
  for (const [name, damage, exit, message] of cases) {
    it(`${name}: typed error naming the file, store check fails, nothing changes`, async () => {
      const mon = extractFixture('reef');
      const file = damage(mon);
      const before = hashTree(mon);
      // Full scans meet every damage; a point read (paxos show) may miss a damaged block, but never crashes.
      for (const args of [['store', 'list'], ['store', 'crc'], ['paxos', 'show', '--json'], ['store', 'check']]) {
        const r = runCli([...args, '-s', mon]);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(70);
        expect(r.stderr, args.join(' ')).not.toMatch(/internal error|    at /);
        if (args[1] === 'list' || args[1] === 'crc') {
          expect(r.code, r.stderr).toBe(exit);
          expect(r.stderr).toMatch(message);
          expect(r.stderr).toContain(file.split('/').pop()!);
        }
        if (args[1] === 'check') expect(r.code, r.stdout + r.stderr).not.toBe(0);
      }
      // A store that cannot be opened refuses writes the same way, before anything is written.
      // (A damaged data block does not stop a write that reads nothing from it, as in RocksDB.)
      if (!name.startsWith('flipped')) {
        const w = runCli(['store', 'set', 'monctl_test', 'x', '--u64', '1', '-s', mon, '--no-backup']);
        expect(w.code, w.stderr).not.toBe(0);
        expect(w.code, w.stderr).not.toBe(70);
      }
      expect(hashTree(mon)).toEqual(before);
    });
  }
});

describe('a write-ahead log torn before its first complete write', () => {
  it('reads what RocksDB would recover, and refuses a write RocksDB would drop', () => {
    const mon = extractFixture('reef');
    const db = join(mon, 'store.db');
    const last = readdirSync(db).filter((f) => /^\d+\.log$/.test(f)).sort().pop()!;
    // A record header promising 100 bytes, with 10 written: a monitor killed mid-write.
    const torn = Buffer.alloc(17);
    torn.writeUInt16LE(100, 4);
    torn[6] = 1;
    writeFileSync(join(db, `${String(Number(last.slice(0, 6)) + 1000).padStart(6, '0')}.log`), torn);
    const before = hashTree(mon);
    expect(runCli(['store', 'list', '-s', mon]).code).toBe(0);
    const w = runCli(['store', 'set', 'monctl_test', 'x', '--u64', '1', '-s', mon, '--no-backup']);
    expect(w.code, w.stderr).toBe(4);
    expect(w.stderr).toMatch(/STORE_OPEN_FAILED.*torn before its first complete write/);
    expect(w.stderr).toContain('start the monitor once');
    expect(hashTree(mon)).toEqual(before);
  });
});

describe('a store of a release newer than monctl knows', () => {
  for (const release of ['umbrella', 'vampire', '23']) {
    it(`min_mon_release ${release}: read, but every write refused with DECODE_TOO_NEW`, () => {
      const mon = extractFixture('tentacle');
      writeFileSync(join(mon, 'min_mon_release'), `${release}\n`);
      const before = hashTree(mon);
      expect(runCli(['store', 'list', '-s', mon]).code).toBe(0);
      for (const args of [['store', 'set', 'monctl_test', 'x', '--u64', '1'], ['osdmap', 'edit', 'set-flag', 'noup'], ['paxos', 'trim', '--keep', '3']]) {
        const w = runCli([...args, '-s', mon, '--no-backup']);
        expect(w.code, `${args.join(' ')}: ${w.stderr}`).toBe(7);
        expect(w.stderr).toMatch(/DECODE_TOO_NEW.*min_mon_release.*newer than monctl knows/);
      }
      expect(hashTree(mon)).toEqual(before);
    });
  }
});
