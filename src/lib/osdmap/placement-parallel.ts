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
import { formatPgSummary, mapPgRange, mergeTally, newTally, poolsToMap, runPgMapping, summarizePgs, withPgNum, type PgRange, type PgStats, type PgStatsOptions, type PgTally } from './pg-stats.js';

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

const STREAM_JOB = 'monctl-pg-stream';

interface StreamJob {
  kind: typeof STREAM_JOB;
  bytes: Uint8Array;
  opts: PgStatsOptions;
}

const tallyBuffers = (t: PgTally): ArrayBuffer[] => [t.count.buffer, t.first.buffer, t.primary.buffer, t.sizes.buffer] as ArrayBuffer[];

if (!isMainThread && (workerData as Job | undefined)?.kind === JOB) {
  const job = workerData as Job;
  const share = mapShare(withPgNum(decodeOSDMap(job.bytes), job.opts), job.ranges, job.lines);
  parentPort!.postMessage(share, tallyBuffers(share.tally));
}

// A streaming worker maps one range per request (its dump lines are the reply) into its own
// tally, which it sends back when asked for with `null`.
if (!isMainThread && (workerData as StreamJob | undefined)?.kind === STREAM_JOB) {
  const job = workerData as StreamJob;
  const m = withPgNum(decodeOSDMap(job.bytes), job.opts);
  const mapper = new PgActingMapper(m);
  const tally = newTally(m.maxOsd);
  parentPort!.on('message', (r: PgRange | null) => {
    if (r === null) {
      parentPort!.postMessage(tally, tallyBuffers(tally));
      parentPort!.close();
    } else parentPort!.postMessage(mapPgRange(mapper, r, tally, true));
  });
}

/** A streaming worker: `map(range)` → that range's dump lines; `finish()` → its tally. */
function startStreamWorker(job: StreamJob): { map(r: PgRange): Promise<string>; finish(): Promise<PgTally>; stop(): void } {
  const w = startModuleWorker(import.meta.url, job);
  let pending: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | undefined;
  const fail = (e: unknown) => {
    pending?.reject(e);
    pending = undefined;
  };
  w.on('message', (v: unknown) => {
    const p = pending;
    pending = undefined;
    p?.resolve(v);
  });
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`placement worker exited with code ${code}`)));
  const ask = <T>(msg: PgRange | null): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending = { resolve: resolve as (v: unknown) => void, reject };
      w.postMessage(msg);
    });
  return { map: (r) => ask<string>(r), finish: () => ask<PgTally>(null), stop: () => void w.terminate() };
}

/** Seeds per thread and step of `streamPgMapping`: small enough to show lines at once, big enough to keep threads busy. */
export const STREAM_CHUNK = 8192;

/**
 * `osdmaptool --test-map-pgs-dump` as it goes: `write` gets the output in order — each pool's
 * `pool P pg_num N` line, its PG lines a step at a time, then the per-OSD summary — and is
 * awaited before the next step is mapped, so memory stays flat however many PGs there are
 * and a slow reader slows the mapping. Each step maps up to `threads` × STREAM_CHUNK seeds,
 * one chunk per thread (the main thread's own included). `progress(done, total)` follows each
 * step; `write` returning false stops early (the reader went away): then no summary.
 * The bytes are exactly formatPgsDumpText's.
 */
export async function streamPgMapping(
  map0: OSDMap,
  opts: PgStatsOptions,
  threads: number,
  write: (text: string) => Promise<boolean>,
  progress: (done: number, total: number) => void = () => {},
): Promise<PgStats | undefined> {
  const m = withPgNum(map0, opts);
  const pools = poolsToMap(m, opts);
  const total = pools.reduce((n, p) => n + p.pgNum, 0);
  const useWorkers = threads >= 2 && total >= PARALLEL_MIN_PGS;
  const workers = useWorkers ? Array.from({ length: threads - 1 }, () => startStreamWorker({ kind: STREAM_JOB, bytes: encodeOSDMap(map0), opts })) : [];
  const tally = newTally(m.maxOsd);
  const mapper = new PgActingMapper(m);
  let done = 0;
  try {
    for (const p of pools) {
      if (!(await write(`pool ${p.pool} pg_num ${p.pgNum}\n`))) return undefined;
      for (let from = 0; from < p.pgNum; ) {
        const chunks: PgRange[] = [];
        for (let k = 0; k <= workers.length && from < p.pgNum; k++, from = Math.min(p.pgNum, from + STREAM_CHUNK)) {
          chunks.push({ pool: p.pool, from, to: Math.min(p.pgNum, from + STREAM_CHUNK) });
        }
        const theirs = chunks.slice(1).map((r, k) => workers[k]!.map(r));
        for (const t of theirs) t.catch(() => {});
        const mine = mapPgRange(mapper, chunks[0]!, tally, true);
        const texts = [mine, ...(await Promise.all(theirs))];
        done += chunks.reduce((n, r) => n + r.to - r.from, 0);
        if (!(await write(texts.join('')))) return undefined;
        progress(done, total);
      }
    }
    for (const w of workers) mergeTally(tally, await w.finish());
  } finally {
    for (const w of workers) w.stop();
  }
  const stats = summarizePgs(m, pools, tally);
  await write(formatPgSummary(stats));
  return stats;
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
