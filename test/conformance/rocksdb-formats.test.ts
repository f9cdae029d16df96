import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonctlError } from '../../src/lib/errors.js';
import type { RawBatchOp } from '../../src/lib/store/backend.js';
import { fillListing } from '../../src/lib/store/leveldb-reader/lines.js';
import { RocksDbReader } from '../../src/lib/store/rocksdb-reader/index.js';
import type { SstTable } from '../../src/lib/store/rocksdb-reader/table.js';
import { appendWal } from '../../src/lib/store/rocksdb-wal-writer.js';
import { FIXTURES_DIR } from '../helpers/ceph.js';
import { hashTree } from '../helpers/stores.js';

/**
 * monctl's RocksDB reader against databases real RocksDB builds made (make.sh beside
 * specs.txt): Debian 12's RocksDB 7.8 on this machine, and RocksDB 9.10 / 9.11 in the Ceph
 * oracle chroots (reef / tentacle) when they are there with rocksdb-tools. The databases
 * are built in the test run; format_version 6 (RocksDB >= 8.6) is also checked on the
 * committed rocksdb-fv6.tar.xz (made by `make.sh --snapshot` with RocksDB 9.10), so a machine
 * without the chroots still covers it. Needs `ldb` (Debian's rocksdb-tools) and node.
 */
const HERE = join(FIXTURES_DIR, 'rocksdb-formats');
const ORACLES = process.env.CEPH_ORACLES_DIR ?? '/var/lib/ceph-oracles';
const isRoot = process.getuid?.() === 0;

interface Spec {
  name: string;
  minMajor: number;
  settings: Map<string, string>;
  variants: string[];
}

function readSpecs(): Spec[] {
  const specs: Spec[] = [];
  for (const line of readFileSync(join(HERE, 'specs.txt'), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name, minMajor, opts] = line.split('|') as [string, string, string];
    const settings = new Map(opts.split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]));
    specs.push({ name, minMajor: Number(minMajor), settings, variants: settings.get('variants')?.split('+') ?? [] });
  }
  return specs;
}
const SPECS = readSpecs();

/** Every database make.sh builds for a RocksDB of this major version (variants after their base). */
function dbNames(major: number, filter: (s: Spec) => boolean = () => true): string[] {
  return SPECS.filter((s) => s.minMajor <= major && filter(s)).flatMap((s) => [s.name, ...s.variants.map((v) => `${s.name}-${v}`)]);
}

interface Tool {
  rel: string;
  version: string;
  major: number;
  /** The chroot directory, or undefined for this machine's ldb. */
  root?: string;
}

function ldbVersion(cmd: string[]): string | undefined {
  try {
    return execFileSync(cmd[0]!, [...cmd.slice(1), '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).pop();
  } catch {
    return undefined;
  }
}

/** host (this machine's ldb) and the oracle chroots with ldb in them; MONCTL_ROCKSDB_RELEASES="host reef" narrows it. */
function findTools(): Tool[] {
  const want = (process.env.MONCTL_ROCKSDB_RELEASES ?? 'host reef tentacle').split(/\s+/).filter(Boolean);
  const tools: Tool[] = [];
  for (const rel of want) {
    const root = rel === 'host' ? undefined : join(ORACLES, rel);
    if (root !== undefined && (!isRoot || !existsSync(join(root, 'usr/bin/ldb')))) continue;
    const version = ldbVersion(root ? ['chroot', root, 'ldb'] : ['ldb']);
    if (version) tools.push({ rel, version, major: Number(version.split('.')[0]), ...(root ? { root } : {}) });
  }
  return tools;
}
const TOOLS = findTools();

function newerOrSame(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
  return true;
}

const temps: string[] = [];
function tempDir(label: string, under = tmpdir()): string {
  const d = mkdtempSync(join(under, `monctl-rdbf-${label}-`));
  temps.push(d);
  return d;
}

/** `ldb ARGS` of a tool on a database directory: a chroot's ldb gets a copy inside the chroot. */
function runLdb(tool: Tool, dbDir: string, args: string[]): { out: string; dir: string; cleanup: () => void } {
  if (!tool.root) return { out: execFileSync('ldb', [`--db=${dbDir}`, ...args], { encoding: 'latin1', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }), dir: dbDir, cleanup: () => {} };
  const scratch = mkdtempSync(join(tool.root, 'tmp', 'monctl-rdbf-'));
  const inner = `/tmp/${scratch.split('/').pop()}/db`;
  cpSync(dbDir, join(scratch, 'db'), { recursive: true });
  try {
    const out = execFileSync('chroot', [tool.root, 'ldb', `--db=${inner}`, ...args], { encoding: 'latin1', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    return { out, dir: join(scratch, 'db'), cleanup: () => rmSync(scratch, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
}

type Entry = [key: Buffer, value: Buffer];

/** `ldb --hex scan` lines: `0xKEY : 0xVALUE` (RocksDB 7) or `0xKEY ==> 0xVALUE` (RocksDB 9). */
function parseScan(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^0x([0-9A-Fa-f]*) (?::|==>) 0x([0-9A-Fa-f]*)$/.exec(line);
    if (!m) throw new Error(`unexpected ldb scan line: ${line.slice(0, 120)}`);
    out.push([Buffer.from(m[1]!, 'hex'), Buffer.from(m[2]!, 'hex')]);
  }
  return out;
}

/** A copy of `dbDir`, scanned by a real RocksDB (a read-only open still rotates its info LOG). */
function realScan(tool: Tool, dbDir: string): Entry[] {
  const copy = join(tempDir('scan'), 'db');
  cpSync(dbDir, copy, { recursive: true });
  const r = runLdb(tool, copy, ['--hex', 'scan']);
  r.cleanup();
  rmSync(copy, { recursive: true, force: true });
  return parseScan(r.out);
}

function readerEntries(r: RocksDbReader, gte?: Uint8Array, lt?: Uint8Array): Entry[] {
  const out: Entry[] = [];
  for (const c = r.iterate(gte, lt); c.valid; c.next()) out.push([Buffer.from(c.key.subarray(0, c.keyLen)), Buffer.from(c.valueBuf.subarray(c.valueOff, c.valueOff + c.valueLen))]);
  return out;
}

const show = (b: Buffer) => JSON.stringify(b.toString('latin1').slice(0, 60));

/** Equal listings, reported by the first difference (not a diff of megabytes of values). */
function expectSameEntries(got: Entry[], want: Entry[], what: string): void {
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    const [gk, gv] = got[i]!;
    const [wk, wv] = want[i]!;
    if (!gk.equals(wk)) expect.fail(`${what}: entry ${i} is key ${show(gk)}, the real tool's is ${show(wk)}`);
    if (!gv.equals(wv)) expect.fail(`${what}: key ${show(gk)} has a ${gv.length}-byte value, the real tool's is ${wv.length} bytes (or differs)`);
  }
  expect(got.length, `${what}: number of keys`).toBe(want.length);
}

/** ceph-kvstore-tool list lines, computed here independently of lines.ts. */
function listingLine(k: Buffer): string {
  const esc = (b: Buffer) => [...b].map((x) => (x < 0x80 && /[A-Za-z0-9\-._~/]/.test(String.fromCharCode(x)) ? String.fromCharCode(x) : `%${x.toString(16).padStart(2, '0')}`)).join('');
  const nul = k.indexOf(0);
  return nul < 0 ? `${esc(k)}\t` : `${esc(k.subarray(0, nul))}\t${esc(k.subarray(nul + 1))}`;
}

function readerListing(r: RocksDbReader): string {
  const c = r.iterate();
  const buf = new Uint8Array(1 << 20);
  let text = '';
  while (c.valid) {
    const { bytes } = fillListing(c, false, buf);
    text += Buffer.from(buf.subarray(0, bytes)).toString('latin1');
  }
  return text;
}

const CHECKSUM: Record<string, number> = { kCRC32c: 1, kxxHash: 2, kxxHash64: 3, kXXH3: 4 };
const INDEX: Record<string, number> = { kBinarySearch: 0, kHashSearch: 1, kTwoLevelIndexSearch: 2, kBinarySearchWithFirstKey: 3 };
const COMPRESSION: Record<string, number> = { kNoCompression: 0, kSnappyCompression: 1, kZlibCompression: 2, kLZ4Compression: 4, kLZ4HCCompression: 5, kZSTD: 7 };

function readSpecFile(path: string): Map<string, string> {
  return new Map(readFileSync(path, 'utf8').split('\n').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]));
}

function varint(b: Uint8Array, pos: { p: number }): number {
  let v = 0;
  for (let shift = 0; ; shift += 7) {
    const x = b[pos.p++]!;
    v += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return v;
  }
}

/** Entries of a key-value block (metaindex, properties), parsed here rather than by the reader. */
function blockEntries(b: Uint8Array): Map<string, Uint8Array> {
  const n = Buffer.from(b).readUInt32LE(b.length - 4);
  const limit = b.length - 4 * (n + 1);
  const out = new Map<string, Uint8Array>();
  let key = Buffer.alloc(0);
  for (const pos = { p: 0 }; pos.p < limit; ) {
    const shared = varint(b, pos);
    const nonShared = varint(b, pos);
    const valueLen = varint(b, pos);
    key = Buffer.concat([key.subarray(0, shared), b.subarray(pos.p, pos.p + nonShared)]);
    pos.p += nonShared;
    out.set(key.toString('latin1'), b.subarray(pos.p, pos.p + valueLen));
    pos.p += valueLen;
  }
  return out;
}

/** A table's `rocksdb.index.partitions` property, read through its footer and metaindex. */
function indexPartitions(t: SstTable, path: string): number {
  const file = readFileSync(path);
  const footer = file.subarray(file.length - 53);
  let meta: { off: number; size: number };
  if (t.formatVersion >= 6) {
    const size = footer.readUInt32LE(13);
    meta = { off: file.length - 53 - 5 - size, size };
  } else {
    const pos = { p: 1 };
    meta = { off: varint(footer, pos), size: varint(footer, pos) };
  }
  const handle = blockEntries(t.block(meta.off, meta.size)).get('rocksdb.properties')!;
  const hp = { p: 0 };
  const props = blockEntries(t.block(varint(handle, hp), varint(handle, hp)).slice());
  const v = props.get('rocksdb.index.partitions');
  return v ? varint(v, { p: 0 }) : 0;
}

/** Record types of a log file's physical records (7- or 11-byte headers, 32 KiB blocks). */
function logRecordTypes(file: Buffer): Set<number> {
  const types = new Set<number>();
  for (let p = 0; p + 7 <= file.length; ) {
    const left = 32768 - (p % 32768);
    if (left < 7) {
      p += left;
      continue;
    }
    const len = file.readUInt16LE(p + 4);
    const type = file[p + 6]!;
    if (type === 0 && len === 0) {
      p += left;
      continue;
    }
    types.add(type);
    p += ((type >= 5 && type <= 8) || type === 11 ? 11 : 7) + len;
  }
  return types;
}

/** Every key the workload ever wrote (inputs.mjs), for `get` of keys deleted since. */
const workloadKeys = new Map<string, Buffer[]>();
function writtenKeys(scale: 'full' | 'small'): Buffer[] {
  let keys = workloadKeys.get(scale);
  if (keys) return keys;
  const dir = tempDir(`inputs-${scale}`);
  execFileSync('node', [join(HERE, 'inputs.mjs'), dir, scale]);
  keys = [];
  for (const f of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, f), 'latin1').split('\n')) {
      const m = /^(?:(?:put|delete) )?0x([0-9a-f]+)/.exec(line);
      if (m && f !== 'batch.txt' && f !== 'ranges.txt') keys.push(Buffer.from(m[1]!, 'hex'));
    }
  }
  workloadKeys.set(scale, keys);
  return keys;
}

interface Summary {
  db: string;
  rocksdb: string;
  formatVersion: string;
  checksum: string;
  compression: string;
  index: string;
  tables: number;
  levels: string;
  logs: number;
  keys: number;
}
const summaries: Summary[] = [];
/** `rocksdb version/database` of each database whose tables hold a range tombstone. */
const tableTombstones = new Set<string>();

/** The whole check of one database against the real tool's listing of it. */
async function checkDatabase(dir: string, name: string, scale: 'full' | 'small'): Promise<void> {
  const db = join(dir, name);
  const spec = readSpecFile(`${db}.spec`);
  const want = parseScan(readFileSync(`${db}.scan`, 'latin1'));
  expect(want.length, 'the real tool lists the database').toBeGreaterThan(100);
  const before = hashTree(db);

  if (spec.get('expect') === 'zstd') {
    let err: unknown;
    try {
      const r = await RocksDbReader.open(db);
      try {
        readerEntries(r);
      } finally {
        r.close();
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MonctlError);
    expect((err as MonctlError).code).toBe('DECODE_TOO_NEW');
    expect((err as MonctlError).message).toMatch(/zstd/);
    expect((err as MonctlError).message).toMatch(/\b\d{6}\.sst\b/);
    expect(hashTree(db)).toEqual(before);
    return;
  }

  const r = await RocksDbReader.open(db);
  try {
    // Keys and values, then the ceph-kvstore-tool-style listing of them.
    expectSameEntries(readerEntries(r), want, `${name}: listing`);
    expect(want.filter(([, v]) => v.length === 0).length, 'empty values (in a table and in a log)').toBe(2);
    expect(readerListing(r), `${name}: fillListing`).toBe(want.map(([k]) => `${listingLine(k)}\n`).join(''));

    // Ranges: per prefix, and one starting and ending between keys.
    for (const p of ['paxos', 'osdmap', 'logm', 'mon_config_key', 'health']) {
      const gte = Buffer.from(`${p}\0`, 'latin1');
      const lt = Buffer.from(`${p}\x01`, 'latin1');
      expectSameEntries(readerEntries(r, gte, lt), want.filter(([k]) => Buffer.compare(k, gte) >= 0 && Buffer.compare(k, lt) < 0), `${name}: range ${p}`);
    }
    const a = Buffer.concat([want[Math.floor(want.length / 5)]![0], Buffer.from([0])]);
    const b = want[Math.floor((want.length * 3) / 5)]![0].subarray(0, -1);
    expectSameEntries(readerEntries(r, a, b), want.filter(([k]) => Buffer.compare(k, a) >= 0 && Buffer.compare(k, b) < 0), `${name}: range between keys`);

    // get: every key, every key the workload wrote and deleted since, and near misses.
    const present = new Map(want.map(([k, v]) => [k.toString('latin1'), v]));
    for (const [k, v] of want) {
      const got = r.get(k);
      if (!got || !Buffer.from(got).equals(v)) expect.fail(`${name}: get ${show(k)} gave ${got ? `${got.length} bytes` : 'nothing'}, the real tool lists ${v.length} bytes`);
    }
    const absent = [...writtenKeys(scale), ...want.flatMap(([k]) => [Buffer.concat([k, Buffer.from([0])]), k.subarray(0, -1)]), Buffer.alloc(0), Buffer.from('zzzz')];
    let absentChecked = 0;
    for (const k of absent) {
      if (present.has(k.toString('latin1'))) continue;
      absentChecked++;
      const got = r.get(k);
      if (got !== undefined) expect.fail(`${name}: get ${show(k)} gave ${got.length} bytes for a key the real tool does not list`);
    }
    expect(absentChecked).toBeGreaterThan(want.length);

    // The matrix is what it claims: every table's format, checksum, index and compression.
    const fv = Number(spec.get('format_version'));
    const checksum = CHECKSUM[spec.get('checksum')!]!;
    const index = INDEX[spec.get('index_type') ?? 'kBinarySearch']!;
    const compression = COMPRESSION[spec.get('compression')!]!;
    const dataBlockHash = spec.get('data_block_index_type') === 'kDataBlockBinaryAndHash';
    const restart = Number(spec.get('index_block_restart_interval') ?? 1);
    expect(r.tables.length).toBeGreaterThan(5);
    const codecs = new Map<number, number>();
    let hashed = 0;
    let partitions = 0;
    for (const t of r.tables) {
      expect(t.formatVersion, `${t.name} format_version`).toBe(fv);
      expect(t.checksumType, `${t.name} checksum type`).toBe(checksum);
      expect(t.props.indexType, `${t.name} index type`).toBe(index);
      if (fv >= 4 && restart > 1) expect(t.props.indexValueIsDeltaEncoded, `${t.name} delta-encoded index values`).toBe(true);
      const file = readFileSync(join(db, basename(t.name)));
      for (let i = 0; i < t.offsets.length; i++) {
        const type = file[t.offsets[i]! + t.sizes[i]!]!;
        codecs.set(type, (codecs.get(type) ?? 0) + 1);
        const block = t.block(t.offsets[i]!, t.sizes[i]!);
        if (block[block.length - 1]! & 0x80) hashed++;
      }
      if (index === INDEX.kTwoLevelIndexSearch) partitions = Math.max(partitions, indexPartitions(t, join(db, basename(t.name))));
    }
    expect([...codecs.keys()].filter((c) => c !== 0 && c !== compression), `${name}: data block codecs ${[...codecs.keys()]}`).toEqual([]);
    if (compression !== 0) expect(codecs.get(compression) ?? 0, `${name}: data blocks compressed with ${spec.get('compression')}`).toBeGreaterThan(10);
    if (dataBlockHash) expect(hashed, `${name}: data blocks with a hash index`).toBeGreaterThan(10);
    else expect(hashed).toBe(0);
    if (index === INDEX.kTwoLevelIndexSearch) expect(partitions, `${name}: index partitions in its largest table`).toBeGreaterThanOrEqual(3);

    // Levels, range tombstones in tables and in the logs, fragmented log records.
    const levels = r.version.families.get(0)!.levels.map((l) => l.size);
    expect(levels.filter((n) => n > 0).length, `levels with tables (${levels.join('/')})`).toBeGreaterThanOrEqual(2);
    // A flushed DeleteRange may be compacted away in the background before the test reads the
    // database: whether it reached a table is counted per build (checked below), not per database.
    if (r.tables.some((t) => t.tombstones.length > 0)) tableTombstones.add(`${spec.get('rocksdb')}/${name}`);
    expect(r.wal.tombstones.length, 'range tombstones in the logs').toBeGreaterThan(0);
    expect(r.wal.logs.length, 'logs replayed').toBeGreaterThan(1);
    const types = new Set(r.wal.logs.flatMap((n) => [...logRecordTypes(readFileSync(join(db, `${String(n).padStart(6, '0')}.log`)))]));
    const recyclable = spec.get('recycle_log_file_num') !== undefined;
    expect(types, 'fragmented log records').toContain(recyclable ? 6 : 2);
    expect(types).toContain(recyclable ? 8 : 4);
    if (!recyclable) expect([...types].filter((t) => t >= 5 && t <= 8)).toEqual([]);
    const derived = spec.get('derived');
    if (derived === 'torn') expect(r.wal.stopped?.why).toMatch(/ends inside/);
    else expect(r.wal.stopped).toBeUndefined();

    summaries.push({
      db: name,
      rocksdb: spec.get('rocksdb')!,
      formatVersion: String(fv),
      checksum: spec.get('checksum')!,
      compression: `${spec.get('compression')} (${codecs.get(compression) ?? 0}/${[...codecs.values()].reduce((x, y) => x + y, 0)} blocks)`,
      index: `${spec.get('index_type') ?? 'kBinarySearch'}${partitions ? ` (${partitions} partitions)` : ''}${dataBlockHash ? ' + data block hash' : ''}`,
      tables: r.tables.length,
      levels: levels.join('/'),
      logs: r.wal.logs.length,
      keys: want.length,
    });
  } finally {
    r.close();
  }
  expect(hashTree(db), `${name}: files unchanged by reading`).toEqual(before);
}

/** Deterministic bytes (xorshift), so a failing run can be reproduced. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    b[i] = s & 0xff;
  }
  return b;
}

/**
 * appendWal on a copy of `db` (a batch of ~190 KB: its log record spans six 32 KiB blocks),
 * then our reader and each real RocksDB in `tools` read the new state: a read-only scan, and
 * a read-write open (`ldb compact`: replay, flush, compaction) followed by a scan, which our
 * reader must also list.
 */
async function checkAppend(dir: string, name: string, tools: Tool[]): Promise<void> {
  const src = join(dir, name);
  const db = join(tempDir('append'), 'db');
  cpSync(src, db, { recursive: true });
  const want = new Map(parseScan(readFileSync(`${src}.scan`, 'latin1')).map(([k, v]) => [k.toString('latin1'), v]));
  const keys = [...want.keys()];
  const ops: RawBatchOp[] = [
    { type: 'put', key: Buffer.from('monctl\0big', 'latin1'), value: bytes(150_000, 7) },
    { type: 'put', key: Buffer.from(keys[Math.floor(keys.length / 2)]!, 'latin1'), value: Buffer.from('overwritten by monctl') },
    { type: 'del', key: Buffer.from(keys[Math.floor(keys.length / 3)]!, 'latin1') },
    // Under the DeleteRange still in the logs, and the record the torn variant lost.
    { type: 'put', key: Buffer.from('osdmap\0full_3zz', 'latin1'), value: bytes(40_000, 11) },
    { type: 'put', key: Buffer.from('paxos\0tail_last', 'latin1'), value: Buffer.from('rewritten') },
  ];
  for (const op of ops) {
    if (op.type === 'put') want.set(Buffer.from(op.key).toString('latin1'), Buffer.from(op.value));
    else want.delete(Buffer.from(op.key).toString('latin1'));
  }
  const expected: Entry[] = [...want.entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))).map(([k, v]) => [Buffer.from(k, 'latin1'), v]);

  const r = await RocksDbReader.open(db);
  const state = { nextFileNumber: r.version.nextFileNumber, lastSequence: r.lastSequence };
  r.close();
  const { file } = appendWal(db, state, ops);
  expect(statSync(join(db, file)).size).toBeGreaterThan(5 * 32768);
  const again = await RocksDbReader.open(db);
  try {
    expectSameEntries(readerEntries(again), expected, `${name} + appendWal: our reader`);
  } finally {
    again.close();
  }
  for (const tool of tools) {
    expectSameEntries(realScan(tool, db), expected, `${name} + appendWal: RocksDB ${tool.version} scan`);
    const copy = join(tempDir('compact'), 'db');
    cpSync(db, copy, { recursive: true });
    const c = runLdb(tool, copy, ['--hex', 'compact']);
    try {
      expectSameEntries(parseScan(runLdbScanIn(tool, c.dir)), expected, `${name} + appendWal: RocksDB ${tool.version} after compact`);
      const compacted = await RocksDbReader.open(c.dir);
      try {
        expectSameEntries(readerEntries(compacted), expected, `${name} + appendWal, compacted by RocksDB ${tool.version}: our reader`);
      } finally {
        compacted.close();
      }
    } finally {
      c.cleanup();
    }
  }
}

/** `ldb --hex scan` of a directory already where the tool sees it (no copy). */
function runLdbScanIn(tool: Tool, outerDir: string): string {
  if (!tool.root) return execFileSync('ldb', [`--db=${outerDir}`, '--hex', 'scan'], { encoding: 'latin1', maxBuffer: 1 << 30 });
  return execFileSync('chroot', [tool.root, 'ldb', `--db=${outerDir.slice(tool.root.length)}`, '--hex', 'scan'], { encoding: 'latin1', maxBuffer: 1 << 30 });
}

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
  if (summaries.length > 0) {
    console.log(
      ['database | RocksDB | fv | checksum | compression (data blocks) | index | tables | files per level | logs | keys', ...summaries.map((s) => Object.values(s).join(' | '))].join('\n'),
    );
  }
});

describe.skipIf(TOOLS.length === 0)('RocksDB reader vs databases real RocksDB builds make: every table format, checksum, codec and index it claims', () => {
  describe.each(TOOLS.map((t) => [t.rel, t] as const))('RocksDB of %s', (rel, tool) => {
    const out = tempDir(`gen-${rel}`);
    // tentacle's 9.11 repeats reef's 9.10 matrix: only the format_version 6 part there.
    const only = rel === 'tentacle' ? dbNames(tool.major, (s) => s.minMajor >= 9) : undefined;
    beforeAll(() => {
      execFileSync('bash', [join(HERE, 'make.sh'), ...(only ? ['--only', SPECS.filter((s) => only.includes(s.name)).map((s) => s.name).join(',')] : []), out, rel], {
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 400_000,
      });
    }, 420_000);

    it.each(only ?? dbNames(tool.major))('%s: listing, get, ranges, table formats; files unchanged', async (name) => {
      await checkDatabase(join(out, rel), name, 'full');
    });

    it('range tombstones reached the tables of most databases this build wrote', () => {
      const names = only ?? dbNames(tool.major);
      const hit = names.filter((n) => tableTombstones.has(`${tool.version}/${n}`));
      expect(hit.length, `databases with a range tombstone in a table: ${hit.join(', ')}`).toBeGreaterThanOrEqual(Math.ceil(names.length / 2));
    });

    const base = tool.major >= 9 ? 'fv6-xxh3-lz4hc' : 'fv5-xxh3-lz4hc-firstkey-dbhash';
    // Which real RocksDB builds read the result: those at least as new as the writer (an older one refuses its OPTIONS file).
    const readers = TOOLS.filter((t) => newerOrSame(t.version, tool.version));
    it.each([base, `${base}-torn`])(`appendWal of a 190 KB batch to %s: our reader and RocksDB ${readers.map((t) => t.version).join(', ')} read it`, async (name) => {
      await checkAppend(join(out, rel), name, readers);
    });

    if (rel === 'host') {
      it('timing: our listing vs ldb scan on the largest database', async () => {
        const names = dbNames(tool.major, (s) => s.settings.get('expect') === undefined);
        const size = (n: string) => readdirSync(join(out, rel, n)).reduce((a, f) => a + statSync(join(out, rel, n, f)).size, 0);
        const largest = names.sort((a, b) => size(b) - size(a))[0]!;
        const db = join(out, rel, largest);
        const copy = join(tempDir('timing'), 'db');
        cpSync(db, copy, { recursive: true });
        const time = (fn: () => unknown) => {
          const t0 = process.hrtime.bigint();
          fn();
          return Number(process.hrtime.bigint() - t0) / 1e6;
        };
        const runs = 5;
        const ours: number[] = [];
        const oursOpen: number[] = [];
        const ldbKeys: number[] = [];
        const ldbHex: number[] = [];
        const ldbOne: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = process.hrtime.bigint();
          const r = await RocksDbReader.open(db);
          oursOpen.push(Number(process.hrtime.bigint() - t0) / 1e6);
          ours.push(oursOpen[i]! + time(() => readerListing(r)));
          r.close();
          ldbKeys.push(time(() => execFileSync('ldb', [`--db=${copy}`, 'scan', '--no_value'], { maxBuffer: 1 << 30 })));
          ldbHex.push(time(() => execFileSync('ldb', [`--db=${copy}`, '--hex', 'scan'], { maxBuffer: 1 << 30 })));
          ldbOne.push(time(() => execFileSync('ldb', [`--db=${copy}`, 'scan', '--no_value', '--max_keys=1'], { maxBuffer: 1 << 30 })));
        }
        const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!.toFixed(1);
        console.log(
          `timing on ${largest} (${(size(largest) / 1e6).toFixed(1)} MB, ${readdirSync(db).filter((f) => f.endsWith('.sst')).length} tables), median of ${runs}: ` +
            `RocksDbReader open ${median(oursOpen)} ms, open + fillListing ${median(ours)} ms; ` +
            `ldb scan --no_value ${median(ldbKeys)} ms, ldb --hex scan ${median(ldbHex)} ms, ldb scan --max_keys=1 (start + open) ${median(ldbOne)} ms`,
        );
      });
    }
  });
});

// Needs no RocksDB: the real tool's listing is in the tarball beside the databases.
describe('RocksDB reader vs committed RocksDB 9.10 databases (format_version 6: rocksdb-fv6.tar.xz)', () => {
  const out = tempDir('fv6');
  beforeAll(() => {
    execFileSync('tar', ['-xJf', join(HERE, 'rocksdb-fv6.tar.xz'), '-C', out]);
  });
  it.each(dbNames(9, (s) => s.minMajor >= 9))('%s: listing, get, ranges, table formats; files unchanged', async (name) => {
    await checkDatabase(out, name, 'small');
  });
  it.each(['fv6-xxh3-lz4hc', 'fv6-xxh3-lz4hc-torn'])('appendWal of a 190 KB batch to %s: our reader reads it (and RocksDB >= 9.10 where there is one)', async (name) => {
    await checkAppend(out, name, TOOLS.filter((t) => newerOrSame(t.version, '9.10.0')));
  });
});
