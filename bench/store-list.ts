/**
 * `monctl store list` / `store crc` vs `ceph-kvstore-tool rocksdb <db> list` / `list-crc` on
 * RocksDB monitor stores written by two Ceph releases:
 *
 *   (a) Pacific: the store as the `rocksdb` package's RocksDB 6.17 writes it (what
 *       `monctl store migrate` writes; Pacific's own RocksDB is 6.x too), against the
 *       host's Pacific ceph-kvstore-tool;
 *   (b) Reef: the same keys copied by Reef's own RocksDB 7.9 (`ceph-kvstore-tool rocksdb
 *       <a> store-copy <b>`, then `compact` so every key is in 7.9's table files, XXH3
 *       checksums, in the Reef chroot), against Reef's ceph-kvstore-tool there.
 *
 *   npm run bench:store-list                      # 1,000,000 keys, 3 runs each
 *   npm run bench:store-list -- --keys 100000 --runs 5
 *
 * The store is made once and cached under the OS temp dir (keyed by keys, seed and layout):
 * monitor-like keys (paxos/<v>, osdmap/<e> and pinned osdmap/full_<e>, logm/<v>, Quincy's
 * logm/<channel>/<%08x> entries, osd_snap/purged_snap_…, mgrstat, auth, config history, …)
 * with values of 100 B to 10 KB, a few hundred MB in all, written in batches through the
 * `rocksdb` package. Every timed command writes its stdout to /dev/null; times are wall
 * clock, medians of --runs, after one untimed run per command that warms the page cache and
 * hashes the output (sha256) so the two tools' outputs are compared. Ceph's tool rewrites
 * files of a store even to list it, so it gets a fresh snapshot each run (table files
 * hard-linked, the rest copied), made outside its timing; monctl reads the store in place.
 * Reef's tool runs in its chroot (test/helpers/releases.ts: the cache dir bind-mounted at the
 * same path for the Reef runs). A store monctl cannot read is reported as "monctl failed: <error>".
 * Results: a table on stdout and .bench/store-list.json.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { mulberry32 } from '../src/lib/random.js';
import { createBulkSink } from '../src/lib/store/bulk-load.js';
import { chrootDir, exposeDirs, releaseAvailable } from '../test/helpers/releases.js';
import { checkBuild, median, timeRun, which, type RunResult } from './proc.js';
import { dirBytes } from './store-gen.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
/** Bump when the layout below changes, so stale caches are not reused. */
const LAYOUT_VERSION = 3;
const CHUNK_KEYS = 10_000;

/* ------------------------------------------------------------------------------------ */
/* the store                                                                             */
/* ------------------------------------------------------------------------------------ */

interface Shape {
  /** Share of the store's keys. */
  share: number;
  /** The key of the i-th entry of this kind (unique per i). */
  key: (i: number) => string;
  /** Value sizes in [min, max], skewed to small ones (min + (max - min) * u^3: mean min + (max - min) / 4). */
  size: [number, number];
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const hex16 = (n: number) => n.toString(16).padStart(16, '0');

/** A big monitor's keys, by how many of each it holds. Mean value about 350 B. */
const SHAPES: Shape[] = [
  // Quincy+ LogMonitor: one key per cluster log entry, per channel
  { share: 0.333, key: (i) => `logm\0cluster/${hex8(i)}`, size: [120, 600] },
  { share: 0.1, key: (i) => `logm\0audit/${hex8(i)}`, size: [150, 700] },
  // paxos: the committed transactions
  { share: 0.2, key: (i) => `paxos\0${i + 1}`, size: [150, 1500] },
  // osdmap incrementals, and a pinned full map every 10 epochs (mon_osdmap_full_prune_interval)
  { share: 0.12, key: (i) => `osdmap\0${i + 1}`, size: [100, 900] },
  { share: 0.006, key: (i) => `osdmap\0full_${i * 10 + 1}`, size: [4000, 10_000] },
  // purged snapshot intervals of a few pools
  { share: 0.13, key: (i) => `osd_snap\0purged_snap_${(i % 7) + 1}_${hex16(i)}`, size: [100, 120] },
  // LogMonitor increments and summaries, MgrStat digests, auth, config history, metadata
  { share: 0.04, key: (i) => `logm\0${i + 1}`, size: [100, 1500] },
  { share: 0.002, key: (i) => `logm\0full_${(i + 1) * 50}`, size: [2000, 10_000] },
  { share: 0.004, key: (i) => `mgrstat\0${i + 1}`, size: [1000, 10_000] },
  { share: 0.02, key: (i) => `auth\0${i + 1}`, size: [100, 400] },
  { share: 0.03, key: (i) => `mon_config_key\0config-history/${Math.floor(i / 2) + 1}/${i % 2 ? '+global/osd_pool_default_pg_num' : ''}`, size: [100, 300] },
  { share: 0.005, key: (i) => `osd_metadata\0${i}`, size: [800, 2000] },
  { share: 0.004, key: (i) => `mgr\0${i + 1}`, size: [1000, 4000] },
  { share: 0.004, key: (i) => `mdsmap\0${i + 1}`, size: [300, 2000] },
  { share: 0.002, key: (i) => `monmap\0${i + 1}`, size: [200, 600] },
];

/** Every entry, kind by kind (RocksDB sorts them); the total is exactly `total`. */
function* entries(total: number, seed: number): Generator<[Uint8Array, Uint8Array]> {
  const rnd = mulberry32(seed);
  const utf8 = new TextEncoder();
  const value = ([min, max]: [number, number]): Uint8Array => {
    const u = rnd.next();
    const len = min + Math.floor((max - min) * u * u * u);
    const words = new Uint32Array((len + 3) >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = rnd.u32();
    return new Uint8Array(words.buffer, 0, len);
  };
  const u64 = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    return b;
  };
  // the bookkeeping a monitor keeps beside its versions
  const fixed: Array<[string, Uint8Array]> = [
    ['monitor\0magic', utf8.encode('ceph mon volume v012\n')],
    ['paxos\0first_committed', u64(1)],
    ['paxos\0last_committed', u64(Math.round(total * 0.2))],
    ['osdmap\0first_committed', u64(1)],
    ['osdmap\0last_committed', u64(Math.round(total * 0.12))],
    ['osdmap\0full_latest', u64(1)],
  ];
  for (const [k, v] of fixed) yield [utf8.encode(k), v];
  let left = total - fixed.length;
  for (let n = 0; n < SHAPES.length; n++) {
    const s = SHAPES[n]!;
    const count = n === SHAPES.length - 1 ? left : Math.min(left, Math.round(total * s.share));
    left -= count;
    for (let i = 0; i < count; i++) yield [utf8.encode(s.key(i)), value(s.size)];
  }
}

/**
 * Reef's ceph-kvstore-tool in its chroot, as test/helpers/releases.ts runs a release's tools
 * (chroot and env both exec: the timed process is the tool itself). The directories it
 * reads must be exposed first (exposeDirs: bind-mounted at the same path).
 */
function reefTool(args: string[]): { cmd: string; args: string[] } {
  return { cmd: 'chroot', args: [chrootDir('reef'), '/usr/bin/env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'CEPH_CONF=/dev/null', 'ceph-kvstore-tool', ...args] };
}

function reefUnavailable(): string | undefined {
  return releaseAvailable('reef') ? undefined : `no Reef chroot at ${chrootDir('reef')} (scripts/ceph-oracles.sh build reef), or not root`;
}

interface BenchStore {
  label: string;
  monDir: string;
  dbDir: string;
  diskBytes: number;
  /** RocksDB's OPTIONS of the store: its version and table checksum. */
  rocksdb?: { version?: string; checksum?: string; format_version?: string };
}

interface Stores {
  dir: string;
  keys: number;
  valueBytes: number;
  generateSeconds: number;
  reused: boolean;
  pacific: BenchStore;
  reef?: BenchStore;
  reefSkipped?: string;
}

function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\u001b[K`);
  else process.stderr.write(`${line}\n`);
}

function optionsOf(dbDir: string): BenchStore['rocksdb'] {
  const file = readdirSync(dbDir)
    .filter((n) => n.startsWith('OPTIONS-'))
    .sort()
    .at(-1);
  if (!file) return undefined;
  const text = readFileSync(join(dbDir, file), 'utf8');
  const get = (k: string) => text.match(new RegExp(`^\\s*${k}=(.*)$`, 'm'))?.[1]?.trim();
  return { version: get('rocksdb_version'), checksum: get('checksum'), format_version: get('format_version') };
}

async function generatePacific(dbDir: string, keys: number, seed: number): Promise<number> {
  mkdirSync(dbDir, { recursive: true });
  const sink = await createBulkSink(dbDir, 'rocksdb');
  const started = Date.now();
  let chunk: Array<{ key: Uint8Array; value: Uint8Array }> = [];
  let written = 0;
  let bytes = 0;
  let lastLog = 0;
  for (const [key, value] of entries(keys, seed)) {
    chunk.push({ key, value });
    bytes += value.length;
    if (chunk.length === CHUNK_KEYS) {
      await sink.write(chunk);
      written += chunk.length;
      chunk = [];
      if (Date.now() - lastLog > 1000) {
        lastLog = Date.now();
        progress(`generating: ${written.toLocaleString('en-US')}/${keys.toLocaleString('en-US')} keys, ${(bytes / 2 ** 20).toFixed(0)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    }
  }
  await sink.write(chunk);
  progress(`generating: compacting ${(bytes / 2 ** 20).toFixed(0)} MiB ...`);
  await sink.finish();
  progress(`generating: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (process.stderr.isTTY) process.stderr.write('\n');
  return bytes;
}

/** A private copy of a RocksDB store.db for a tool that rewrites files: table files hard-linked, the rest copied. */
function snapshotRocksDb(dbDir: string, parent: string): { dbDir: string; dispose: () => void } {
  const dir = mkdtempSync(join(parent, 'snap-'));
  const db = join(dir, 'store.db');
  mkdirSync(db);
  for (const name of readdirSync(dbDir)) {
    if (name === 'LOCK' || name.startsWith('LOG')) continue;
    if (name.endsWith('.sst')) linkSync(join(dbDir, name), join(db, name));
    else copyFileSync(join(dbDir, name), join(db, name));
  }
  return { dbDir: db, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

async function ensureStores(keys: number, seed: number): Promise<Stores> {
  const dir = join(tmpdir(), `monctl-bench-list-${keys}-s${seed}-v${LAYOUT_VERSION}`);
  const pacificDir = join(dir, 'pacific');
  const marker = join(pacificDir, 'complete.json');
  let meta: { valueBytes: number; generateSeconds: number };
  let reused = true;
  if (existsSync(marker)) meta = JSON.parse(readFileSync(marker, 'utf8')) as typeof meta;
  else {
    reused = false;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(pacificDir, { recursive: true });
    const t0 = process.hrtime.bigint();
    const valueBytes = await generatePacific(join(pacificDir, 'store.db'), keys, seed);
    meta = { valueBytes, generateSeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
    writeFileSync(join(pacificDir, 'kv_backend'), 'rocksdb\n');
    writeFileSync(marker, JSON.stringify({ keys, seed, layout: LAYOUT_VERSION, ...meta }) + '\n');
  }
  const pacificDb = join(pacificDir, 'store.db');
  const stores: Stores = {
    dir,
    keys,
    ...meta,
    reused,
    pacific: { label: 'Pacific (RocksDB 6.17, rocksdb package)', monDir: pacificDir, dbDir: pacificDb, diskBytes: dirBytes(pacificDb), rocksdb: optionsOf(pacificDb) },
  };

  const why = reefUnavailable();
  if (why) return { ...stores, reefSkipped: why };
  const reefDir = join(dir, 'reef');
  const reefDb = join(reefDir, 'store.db');
  if (!existsSync(join(reefDir, 'complete.json'))) {
    rmSync(reefDir, { recursive: true, force: true });
    mkdirSync(reefDir);
    const snap = snapshotRocksDb(pacificDb, dir);
    progress(`copying the store with Reef's ceph-kvstore-tool store-copy, then compact ...`);
    const t0 = Date.now();
    const undo = exposeDirs('reef', [dir]);
    try {
      const copy = reefTool(['rocksdb', snap.dbDir, 'store-copy', reefDb, '10000', 'rocksdb']);
      await timeRun(copy.cmd, copy.args);
      // store-copy leaves most keys in the write-ahead log; compacting writes them into table
      // files, so what is read is RocksDB 7.9's tables (format_version 5, XXH3 checksums)
      const compact = reefTool(['rocksdb', reefDb, 'compact']);
      await timeRun(compact.cmd, compact.args);
    } finally {
      undo();
      snap.dispose();
    }
    progress(`copying the store with Reef's ceph-kvstore-tool store-copy, then compact: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (process.stderr.isTTY) process.stderr.write('\n');
    writeFileSync(join(reefDir, 'kv_backend'), 'rocksdb\n');
    writeFileSync(join(reefDir, 'complete.json'), '{}\n');
  }
  return { ...stores, reef: { label: 'Reef (RocksDB 7.9, its store-copy)', monDir: reefDir, dbDir: reefDb, diskBytes: dirBytes(reefDb), rocksdb: optionsOf(reefDb) } };
}

/* ------------------------------------------------------------------------------------ */
/* the runs                                                                              */
/* ------------------------------------------------------------------------------------ */

type Release = 'pacific' | 'reef';

interface OpResult {
  store: Release;
  operation: string;
  cephMs: number[];
  monctlMs: number[];
  cephMedianMs?: number;
  monctlMedianMs?: number;
  ratio?: number;
  cpuMedianMs?: { ceph?: number; monctl?: number };
  sha256?: { ceph?: string; monctl?: string };
  outputsIdentical?: boolean;
  monctlError?: string;
}

const OPERATIONS = [
  { name: 'list', ceph: 'list', monctl: ['store', 'list'] },
  { name: 'list-crc / store crc', ceph: 'list-crc', monctl: ['store', 'crc'] },
];

function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** The first line of a failed run's stderr (the monctl error line). */
function firstError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('monctl:'))?.replace(/^monctl:\s*/, '') ?? lines.at(-1) ?? text;
}

async function benchStore(release: Release, store: BenchStore, cacheDir: string, runs: number, pacificTool: string | undefined): Promise<OpResult[]> {
  const say = (s: string) => process.stderr.write(`  ${release} ${s}\n`);
  const runCeph = async (command: string, hash: boolean): Promise<RunResult> => {
    const snap = snapshotRocksDb(store.dbDir, cacheDir);
    try {
      if (release === 'pacific') return await timeRun(pacificTool!, ['rocksdb', snap.dbDir, command], { hash });
      const { cmd, args } = reefTool(['rocksdb', snap.dbDir, command]);
      return await timeRun(cmd, args, { hash });
    } finally {
      snap.dispose();
    }
  };
  const runMonctl = (args: string[], hash: boolean) => timeRun(process.execPath, [CLI, ...args, '-s', store.monDir], { hash, cwd: ROOT });
  const haveCeph = release === 'reef' || pacificTool !== undefined;
  const results: OpResult[] = [];
  for (const op of OPERATIONS) {
    const r: OpResult = { store: release, operation: op.name, cephMs: [], monctlMs: [] };
    const cephCpu: number[] = [];
    const monctlCpu: number[] = [];
    let monctlFirst: RunResult | undefined;
    try {
      monctlFirst = await runMonctl(op.monctl, true);
    } catch (e) {
      r.monctlError = firstError(e);
      say(`${op.name}: monctl failed: ${r.monctlError}`);
    }
    const cephFirst = haveCeph ? await runCeph(op.ceph, true) : undefined;
    r.sha256 = { ceph: cephFirst?.sha256, monctl: monctlFirst?.sha256 };
    if (cephFirst && monctlFirst) r.outputsIdentical = cephFirst.sha256 === monctlFirst.sha256;
    for (let i = 1; i <= runs; i++) {
      if (haveCeph) {
        const c = await runCeph(op.ceph, false);
        r.cephMs.push(c.ms);
        if (c.cpuMs !== undefined) cephCpu.push(c.cpuMs);
      }
      if (monctlFirst) {
        const m = await runMonctl(op.monctl, false);
        r.monctlMs.push(m.ms);
        if (m.cpuMs !== undefined) monctlCpu.push(m.cpuMs);
      }
      say(`${op.name} run ${i}/${runs}: ceph ${fmtMs(r.cephMs.at(-1))}, monctl ${r.monctlError ? 'failed' : fmtMs(r.monctlMs.at(-1))}`);
    }
    r.cephMedianMs = r.cephMs.length > 0 ? median(r.cephMs) : undefined;
    r.monctlMedianMs = r.monctlMs.length > 0 ? median(r.monctlMs) : undefined;
    if (r.cephMedianMs && r.monctlMedianMs) r.ratio = r.monctlMedianMs / r.cephMedianMs;
    r.cpuMedianMs = { ceph: cephCpu.length > 0 ? median(cephCpu) : undefined, monctl: monctlCpu.length > 0 ? median(monctlCpu) : undefined };
    results.push(r);
  }
  return results;
}

function printReport(stores: Stores, runs: number, results: OpResult[], pacificTool: string | undefined): void {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `\nstores: ${stores.dir} (${stores.keys.toLocaleString('en-US')} keys, values ${mib(stores.valueBytes)}; ` +
      `generated in ${stores.generateSeconds.toFixed(1)} s${stores.reused ? ', reused from cache' : ''})`,
  );
  for (const s of [stores.pacific, stores.reef]) {
    if (!s) continue;
    const o = s.rocksdb;
    console.log(`  ${s.label}: ${mib(s.diskBytes)} on disk${o ? `, OPTIONS: rocksdb_version ${o.version ?? '?'}, checksum ${o.checksum ?? '?'}, format_version ${o.format_version ?? '?'}` : ''}`);
  }
  if (stores.reefSkipped) console.log(`  Reef: skipped: ${stores.reefSkipped}`);
  console.log(`medians of ${runs} run(s), stdout to /dev/null; Pacific tool: ${pacificTool ?? 'not on PATH'}; Reef tool: ${stores.reef ? 'ceph-kvstore-tool in the Reef chroot' : 'n/a'}\n`);
  const table = new Table({
    head: ['store', 'operation', 'ceph-kvstore-tool', 'monctl', 'ratio monctl/ceph', 'CPU ceph / monctl', 'output identical (sha256)'],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    const monctl = r.monctlError ? `monctl failed: ${r.monctlError}` : fmtMs(r.monctlMedianMs);
    const cpu = `${fmtMs(r.cpuMedianMs?.ceph)} / ${fmtMs(r.cpuMedianMs?.monctl)}`;
    const same = r.outputsIdentical === undefined ? 'n/a' : r.outputsIdentical ? `yes (${r.sha256!.ceph!.slice(0, 12)})` : `NO (${r.sha256!.ceph?.slice(0, 12)} vs ${r.sha256!.monctl?.slice(0, 12)})`;
    table.push([r.store, r.operation, fmtMs(r.cephMedianMs), monctl.length > 70 ? `${monctl.slice(0, 67)}...` : monctl, r.ratio === undefined ? 'n/a' : r.ratio.toFixed(2), cpu, same]);
  }
  console.log(table.toString());
  for (const r of results.filter((x) => x.monctlError)) console.log(`${r.store} ${r.operation}: monctl failed: ${r.monctlError}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
    },
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const opts = { keys: int('keys', values.keys!, 100), runs: int('runs', values.runs!, 1), seed: int('seed', values.seed!, 0) };
  checkBuild(ROOT);
  const pacificTool = which('ceph-kvstore-tool');
  if (!pacificTool) process.stderr.write('warning: ceph-kvstore-tool is not on PATH; Pacific ratios cannot be measured\n');
  const stores = await ensureStores(opts.keys, opts.seed);
  if (stores.reefSkipped) process.stderr.write(`warning: Reef skipped: ${stores.reefSkipped}\n`);
  const results = await benchStore('pacific', stores.pacific, stores.dir, opts.runs, pacificTool);
  if (stores.reef) {
    const undo = exposeDirs('reef', [stores.dir]);
    try {
      results.push(...(await benchStore('reef', stores.reef, stores.dir, opts.runs, pacificTool)));
    } finally {
      undo();
    }
  }
  printReport(stores, opts.runs, results, pacificTool);
  const outDir = join(ROOT, '.bench');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'store-list.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        options: opts,
        stores: {
          dir: stores.dir,
          keys: stores.keys,
          valueBytes: stores.valueBytes,
          generateSeconds: stores.generateSeconds,
          reused: stores.reused,
          pacific: stores.pacific,
          reef: stores.reef ?? null,
          reefSkipped: stores.reefSkipped ?? null,
        },
        pacificKvstoreTool: pacificTool ?? null,
        operations: results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nresults: ${file}`);
  process.exitCode = results.some((r) => r.outputsIdentical === false) ? 1 : 0;
}

await main();
