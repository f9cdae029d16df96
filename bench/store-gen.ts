/**
 * Builds (or reuses) a synthetic LevelDB monitor store shaped like a big real one:
 * MonitorDBStore's `prefix\0key` layout, unpadded decimal versions (`1`, `2`, ...; osdmap
 * also `full_N`), first_committed/last_committed markers, and random values from a seeded
 * PRNG averaging about 1 KiB. The store is cached under os.tmpdir() keyed by its parameters.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { mulberry32 } from '../src/lib/random.js';

/** Bump when the layout below changes, so stale caches are not reused. */
const LAYOUT_VERSION = 1;
const BATCH_KEYS = 10_000;

interface PrefixShape {
  prefix: string;
  /** Share of the store's keys. */
  share: number;
  /** Value sizes, uniform in [min, max). */
  size: [number, number];
  /** osdmap keeps a full map `full_N` beside each incremental `N`. */
  full?: [number, number];
}

const SHAPE: PrefixShape[] = [
  { prefix: 'paxos', share: 0.3, size: [256, 2560] },
  { prefix: 'osdmap', share: 0.3, size: [128, 1024], full: [1024, 2560] },
  { prefix: 'logm', share: 0.2, size: [128, 1024] },
  { prefix: 'mgrstat', share: 0.1, size: [512, 2048] },
  { prefix: 'auth', share: 0.04, size: [64, 512] },
  { prefix: 'mgr', share: 0.02, size: [256, 1024] },
  { prefix: 'mdsmap', share: 0.02, size: [128, 768] },
  { prefix: 'health', share: 0.01, size: [64, 512] },
  { prefix: 'monmap', share: 0.01, size: [128, 512] },
];

export interface StoreInfo {
  /** The mon data dir (store.db + kv_backend). */
  monDir: string;
  dbDir: string;
  keys: number;
  seed: number;
  valueBytes: number;
  diskBytes: number;
  generateSeconds: number;
  reused: boolean;
}


const utf8 = new TextEncoder();
export const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};

/** Every entry of the store, prefix by prefix, in version order (what a mon appends). */
function* entries(total: number, seed: number): Generator<[Uint8Array, Uint8Array]> {
  const next = mulberry32(seed).u32;
  const value = ([min, max]: [number, number]): Uint8Array => {
    const len = min + (next() % (max - min));
    const words = new Uint32Array((len + 3) >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = next();
    return new Uint8Array(words.buffer, 0, len);
  };
  const key = (prefix: string, k: string) => utf8.encode(`${prefix}\0${k}`);
  let left = total;
  for (let i = 0; i < SHAPE.length; i++) {
    const s = SHAPE[i]!;
    const markers = s.full ? 3 : 2;
    const budget = i === SHAPE.length - 1 ? left : Math.min(left, Math.round(total * s.share));
    left -= budget;
    const versions = Math.max(0, Math.floor((budget - markers) / (s.full ? 2 : 1)));
    let emitted = 0;
    for (let v = 1; v <= versions; v++) {
      yield [key(s.prefix, String(v)), value(s.size)];
      emitted++;
      if (s.full) {
        yield [key(s.prefix, `full_${v}`), value(s.full)];
        emitted++;
      }
    }
    // Top up with the markers (and an odd key out) so the total is exact.
    const extra: Array<[string, Uint8Array]> = [
      ['first_committed', u64(versions > 0 ? 1 : 0)],
      ['last_committed', u64(versions)],
      ...(s.full ? [['full_latest', u64(versions)] as [string, Uint8Array]] : []),
    ];
    for (const [k, val] of extra) {
      if (emitted >= budget) break;
      yield [key(s.prefix, k), val];
      emitted++;
    }
    for (let v = versions + 1; emitted < budget; v++, emitted++) yield [key(s.prefix, String(v)), value(s.size)];
  }
}

export function dirBytes(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    if (st.isFile()) n += st.size;
  }
  return n;
}

function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\u001b[K`);
  else process.stderr.write(`${line}\n`);
}

/** A new, empty LevelDB for bulk loading (fails if `dbDir` already holds one). */
export async function createBulkLevelDb(dbDir: string): Promise<ClassicLevel<Uint8Array, Uint8Array>> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dbDir, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    createIfMissing: true,
    errorIfExists: true,
    writeBufferSize: 32 << 20,
  });
  await db.open();
  return db;
}

async function generate(dbDir: string, keys: number, seed: number): Promise<number> {
  const db = await createBulkLevelDb(dbDir);
  const started = Date.now();
  let batch: Array<{ type: 'put'; key: Uint8Array; value: Uint8Array }> = [];
  let written = 0;
  let bytes = 0;
  let lastLog = 0;
  for (const [key, value] of entries(keys, seed)) {
    batch.push({ type: 'put', key, value });
    bytes += value.length;
    if (batch.length === BATCH_KEYS) {
      await db.batch(batch);
      written += batch.length;
      batch = [];
      if (Date.now() - lastLog > 1000 || written === keys) {
        lastLog = Date.now();
        const pct = ((100 * written) / keys).toFixed(0);
        progress(`generating store: ${written.toLocaleString('en-US')}/${keys.toLocaleString('en-US')} keys (${pct}%), ${(bytes / 2 ** 20).toFixed(0)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    }
  }
  if (batch.length > 0) await db.batch(batch);
  progress(`generating store: compacting ${(bytes / 2 ** 20).toFixed(0)} MiB ...`);
  await db.compactRange(new Uint8Array([0]), new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  await db.close();
  progress(`generating store: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (process.stderr.isTTY) process.stderr.write('\n');
  return bytes;
}

/** Returns the cached store for these parameters, generating it first when needed. */
export async function ensureStore(keys: number, seed: number): Promise<StoreInfo> {
  const monDir = join(tmpdir(), `monctl-bench-${keys}-s${seed}-v${LAYOUT_VERSION}`);
  const dbDir = join(monDir, 'store.db');
  const marker = join(monDir, 'complete.json');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as { valueBytes: number; generateSeconds: number };
    return { monDir, dbDir, keys, seed, valueBytes: m.valueBytes, generateSeconds: m.generateSeconds, diskBytes: dirBytes(dbDir), reused: true };
  }
  rmSync(monDir, { recursive: true, force: true });
  mkdirSync(monDir, { recursive: true });
  const t0 = process.hrtime.bigint();
  const valueBytes = await generate(dbDir, keys, seed);
  const generateSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  writeFileSync(join(monDir, 'kv_backend'), 'leveldb\n');
  writeFileSync(marker, JSON.stringify({ keys, seed, layout: LAYOUT_VERSION, valueBytes, generateSeconds }) + '\n');
  return { monDir, dbDir, keys, seed, valueBytes, generateSeconds, diskBytes: dirBytes(dbDir), reused: false };
}
