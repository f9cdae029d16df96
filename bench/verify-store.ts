/**
 * Writes a synthetic OSDMap history (osdmap-history.ts) into a fresh LevelDB monitor store
 * with MonitorDBStore's layout: `osdmap\0<e>` (the Incremental), `osdmap\0full_<e>` (the full
 * map, kept for every epoch as an untrimmed monitor does), `first_committed`,
 * `last_committed` and `full_latest`. ensureHistoryStore caches the bench-sized store under
 * os.tmpdir(), keyed by its parameters; the base map comes from the real tools
 * (`crushtool --build` for a host/rack hierarchy, `osdmaptool --createsimple --import-crush`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOSDMap, type OSDMap } from '../src/lib/osdmap/index.js';
import { mulberry32 } from '../src/lib/random.js';
import { osdmapHistory, type HistoryEpoch } from './osdmap-history.js';
import { createBulkLevelDb, u64 } from './store-gen.js';

/** Bump when the generated history changes, so stale caches are not reused. */
const LAYOUT_VERSION = 1;
const BATCH_BYTES = 64 << 20;

const utf8 = new TextEncoder();
const key = (k: string): Uint8Array => utf8.encode(`osdmap\0${k}`);

export interface WrittenHistory {
  first: number;
  last: number;
  incBytes: number;
  fullBytes: number;
}

/** Writes every epoch into a new LevelDB at `<monDir>/store.db` (which must not exist) plus `kv_backend`. */
export async function writeHistoryStore(monDir: string, epochs: Iterable<HistoryEpoch>, onEpoch?: (e: number) => void): Promise<WrittenHistory> {
  mkdirSync(monDir, { recursive: true });
  writeFileSync(join(monDir, 'kv_backend'), 'leveldb\n');
  const db = await createBulkLevelDb(join(monDir, 'store.db'));
  const out: WrittenHistory = { first: 0, last: 0, incBytes: 0, fullBytes: 0 };
  try {
    let batch = db.batch();
    let pending = 0;
    for (const h of epochs) {
      if (out.first === 0) out.first = h.epoch;
      out.last = h.epoch;
      batch.put(key(String(h.epoch)), h.inc);
      batch.put(key(`full_${h.epoch}`), h.full);
      out.incBytes += h.inc.length;
      out.fullBytes += h.full.length;
      pending += h.inc.length + h.full.length;
      onEpoch?.(h.epoch);
      if (pending >= BATCH_BYTES) {
        await batch.write();
        batch = db.batch();
        pending = 0;
      }
    }
    batch.put(key('first_committed'), u64(out.first));
    batch.put(key('last_committed'), u64(out.last));
    batch.put(key('full_latest'), u64(out.last));
    await batch.write();
    // Leave every value in table files, as a long-running monitor's store is: a reader opening
    // the store then has no large write-ahead log to replay first.
    await db.compactRange(key(''), utf8.encode('osdmap\u0001'));
  } finally {
    await db.close();
  }
  return out;
}

/** A base map with `osds` OSDs under hosts of 10 and racks of 5 hosts, and one rbd pool. */
export function toolBaseMap(osds: number, workDir: string): OSDMap {
  const crush = join(workDir, 'crush');
  const map = join(workDir, 'osdmap');
  execFileSync('crushtool', ['-o', crush, '--build', '--num_osds', String(osds), 'host', 'straw2', '10', 'rack', 'straw2', '5', 'root', 'straw2', '0'], { stdio: 'ignore' });
  execFileSync('osdmaptool', ['--createsimple', String(osds), '--with-default-pool', '--pg-bits', '3', '--clobber', map], { stdio: 'ignore' });
  execFileSync('osdmaptool', [map, '--import-crush', crush], { stdio: 'ignore' });
  return decodeOSDMap(readFileSync(map));
}

export interface HistoryStoreInfo extends WrittenHistory {
  monDir: string;
  osds: number;
  seed: number;
  generateSeconds: number;
  reused: boolean;
}

/** The cached bench store for these parameters, generated (minutes for 10,000 epochs) when missing. */
export async function ensureHistoryStore(osds: number, epochs: number, seed: number): Promise<HistoryStoreInfo> {
  const monDir = join(tmpdir(), `monctl-verify-${osds}x${epochs}-s${seed}-v${LAYOUT_VERSION}`);
  const marker = join(monDir, 'complete.json');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as WrittenHistory & { generateSeconds: number };
    return { ...m, monDir, osds, seed, reused: true };
  }
  rmSync(monDir, { recursive: true, force: true });
  const work = mkdtempSync(join(tmpdir(), 'monctl-verify-base-'));
  try {
    const base = toolBaseMap(osds, work);
    const t0 = process.hrtime.bigint();
    let last = 0;
    const written = await writeHistoryStore(monDir, osdmapHistory(base, { epochs, rng: mulberry32(seed) }), (e) => {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      process.stderr.write(`generating osdmap history: epoch ${e}/${epochs + 1}\n`);
    });
    const generateSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    writeFileSync(marker, JSON.stringify({ ...written, generateSeconds }) + '\n');
    return { ...written, monDir, osds, seed, generateSeconds, reused: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
