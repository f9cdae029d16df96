/**
 * `runPgMapping` on several cores: the PGs of each pool are cut into one contiguous share per
 * thread; the main thread maps the first share while worker threads map the others, each from its
 * own decode of the same map bytes. Shares are joined in PG order and the tallies summed, so the
 * output is exactly the single-threaded one.
 *
 * This file is also the worker's entry point (it recognises its workerData).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { defaultThreads, startModuleWorker } from '../threads.js';
import { decodeOSDMap, encodeOSDMap } from './osdmap.js';
import type { OSDMap } from './osdmap-types.js';
import { PgActingMapper } from './pg-acting.js';
import { mapPgRange, mergeTally, newTally, poolsToMap, runPgMapping, summarizePgs, withPgNum, type PgRange, type PgStats, type PgStatsOptions, type PgTally } from './pg-stats.js';

const JOB = 'monctl-pg-ranges';

/** Below this many PGs a thread costs more to start than it saves. */
export const PARALLEL_MIN_PGS = 16_384;

interface Job {
  kind: typeof JOB;
  bytes: Uint8Array;
  opts: PgStatsOptions;
  ranges: PgRange[];
  lines: boolean;
}

interface Share {
  texts: string[];
  tally: PgTally;
}

function mapShare(m: OSDMap, ranges: readonly PgRange[], lines: boolean): Share {
  const tally = newTally(m.maxOsd);
  const mapper = new PgActingMapper(m);
  return { texts: ranges.map((r) => mapPgRange(mapper, r, tally, lines)), tally };
}

if (!isMainThread && (workerData as Job | undefined)?.kind === JOB) {
  const job = workerData as Job;
  const share = mapShare(withPgNum(decodeOSDMap(job.bytes), job.opts), job.ranges, job.lines);
  const t = share.tally;
  parentPort!.postMessage(share, [t.count.buffer, t.first.buffer, t.primary.buffer, t.sizes.buffer] as ArrayBuffer[]);
}

function startWorker(job: Job): Promise<Share> {
  return new Promise((resolve, reject) => {
    const w = startModuleWorker(import.meta.url, job);
    w.once('message', (s: Share) => {
      resolve(s);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`placement worker exited with code ${code}`));
    });
  });
}

/** Every PG, on up to `threads` threads (workers decode their own copy of the map's encoding). */
export async function runPgMappingParallel(
  map0: OSDMap,
  opts: PgStatsOptions,
  lines: boolean,
  threads = defaultThreads(),
): Promise<{ stats: PgStats; text: string[] }> {
  const m = withPgNum(map0, opts);
  const pools = poolsToMap(m, opts);
  const total = pools.reduce((n, p) => n + p.pgNum, 0);
  if (threads < 2 || total < PARALLEL_MIN_PGS) return runPgMapping(map0, opts, lines);
  const shares: PgRange[][] = Array.from({ length: threads }, () => []);
  for (const p of pools) {
    for (let k = 0; k < threads; k++) {
      shares[k]!.push({ pool: p.pool, from: Math.floor((p.pgNum * k) / threads), to: Math.floor((p.pgNum * (k + 1)) / threads) });
    }
  }
  const bytes = encodeOSDMap(map0);
  const workers = shares.slice(1).map((ranges) => startWorker({ kind: JOB, bytes, opts, ranges, lines }));
  // A failed worker must not leave an unhandled rejection while the main share runs.
  for (const w of workers) w.catch(() => {});
  const mine = mapShare(m, shares[0]!, lines);
  const rest = await Promise.all(workers);
  const tally = newTally(m.maxOsd);
  for (const s of [mine, ...rest]) mergeTally(tally, s.tally);
  const text = pools.map((_, i) => [mine, ...rest].map((s) => s.texts[i]).join(''));
  return { stats: summarizePgs(m, pools, tally), text };
}
