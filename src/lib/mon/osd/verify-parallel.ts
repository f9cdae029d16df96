/**
 * `verifyHistory` on two cores. The epochs from..to are cut at a split epoch M whose full map
 * is stored: the main thread verifies from..M (which includes comparing the rebuilt M with the
 * stored full_M), while a worker thread opens the same store and verifies M..to starting from
 * the stored full_M. That is sound: when the first share passes, full_M is exactly the map the
 * chain produces, so starting the second share from it is the same as continuing the chain.
 *
 * The result is the single-threaded one: the lowest epoch wins. A mismatch or error in the
 * first share is reported and the worker stopped; the worker's outcome is used only when the
 * first share passed. The worker reports its progress, so one progress bar covers both.
 *
 * This file is also the worker's entry point (it recognises its workerData).
 */
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { MonctlError, type ErrorCode } from '../../errors.js';
import type { MonStore } from '../../store/index.js';
import { defaultThreads, startModuleWorker } from '../../threads.js';
import { OSDMAP_PREFIX, readOsdmapRange } from './store.js';
import { resolveRange, verifyHistory, type HistoryReport, type VerifyOptions } from './verify.js';

const JOB = 'monctl-osdmap-verify';

/** Below this many epochs a second thread costs more to start than it saves. */
export const PARALLEL_MIN_EPOCHS = 1000;
/** How far past the midpoint to look for a stored full map to split at. */
const SPLIT_SEARCH = 64;
/** The worker reports progress every this many epochs. */
const PROGRESS_EVERY = 16;

export interface ParallelVerifyOptions extends VerifyOptions {
  /** Threads to use (default: the machine's cores); below 2 runs single-threaded. */
  threads?: number;
  /** Ranges shorter than this run single-threaded (default PARALLEL_MIN_EPOCHS). */
  minEpochs?: number;
}

interface Job {
  kind: typeof JOB;
  store: string;
  from: number;
  to: number;
}

interface SerializedError {
  monctl: boolean;
  code?: ErrorCode;
  message: string;
  actions?: string[];
  key?: string;
  offset?: number;
}

type FromWorker = { type: 'progress'; done: number } | { type: 'done'; report: HistoryReport } | { type: 'error'; error: SerializedError } | { type: 'stopped' };

/** Thrown out of the worker's onProgress to stop its share early (the main share failed). */
class Stopped extends Error {}

function serialize(e: unknown): SerializedError {
  if (e instanceof MonctlError) return { monctl: true, ...(e.toJSON() as Omit<SerializedError, 'monctl'>) };
  return { monctl: false, message: e instanceof Error ? e.message : String(e) };
}

function deserialize(e: SerializedError): Error {
  if (!e.monctl) return new Error(e.message);
  return new MonctlError(e.code!, e.message, {
    actions: e.actions,
    ...(e.key !== undefined ? { key: e.key } : {}),
    ...(e.offset !== undefined ? { offset: e.offset } : {}),
  });
}

async function runWorkerJob(job: Job): Promise<void> {
  const port = parentPort!;
  let stop = false;
  port.on('message', (m: unknown) => {
    if (m === 'stop') stop = true;
  });
  const post = (m: FromWorker) => port.postMessage(m);
  const { MonStore } = await import('../../store/index.js');
  try {
    const report = await MonStore.with(job.store, {}, (store) =>
      verifyHistory(store, {
        from: job.from,
        to: job.to,
        onProgress: (done, total) => {
          if (stop) throw new Stopped();
          if (done % PROGRESS_EVERY === 0 || done === total) post({ type: 'progress', done });
        },
      }),
    );
    post({ type: 'done', report });
  } catch (e) {
    post(e instanceof Stopped ? { type: 'stopped' } : { type: 'error', error: serialize(e) });
  } finally {
    port.close();
  }
}

if (!isMainThread && (workerData as Job | undefined)?.kind === JOB) void runWorkerJob(workerData as Job);

/** The worker's share: its outcome (never rejects), and how to stop it. */
interface Share {
  outcome: Promise<{ report?: HistoryReport; error?: Error }>;
  stop: () => Promise<void>;
}

function startShare(job: Job, onProgress: (done: number) => void): Share {
  const w: Worker = startModuleWorker(import.meta.url, job);
  let settled = false;
  const outcome = new Promise<{ report?: HistoryReport; error?: Error }>((resolve) => {
    const settle = (r: { report?: HistoryReport; error?: Error }) => {
      settled = true;
      resolve(r);
    };
    w.on('message', (m: FromWorker) => {
      if (m.type === 'progress') onProgress(m.done);
      else if (m.type === 'done') settle({ report: m.report });
      else if (m.type === 'error') settle({ error: deserialize(m.error) });
      else settle({ error: new Error('osdmap verify worker stopped') });
    });
    w.once('error', (e) => settle({ error: e }));
    w.once('exit', (code) => {
      if (!settled) settle({ error: new Error(`osdmap verify worker exited with code ${code}`) });
    });
  });
  const stop = async () => {
    // Asked to stop, the worker closes its store (and its snapshot) before it exits.
    if (!settled) w.postMessage('stop');
    await outcome;
    await w.terminate();
  };
  return { outcome, stop };
}

/**
 * The share of the epochs the main thread takes: a little over half, as the worker starts
 * later (it loads its modules and opens the store itself).
 */
const FIRST_SHARE = 0.54;

/** Where from..to is cut when every full map is stored. */
export function splitPoint(from: number, to: number): number {
  return from + Math.floor((to - from) * FIRST_SHARE);
}

/** The epoch to split from..to at: the first one from splitPoint on with a stored full map. */
async function splitEpoch(store: MonStore, from: number, to: number): Promise<number | undefined> {
  const mid = splitPoint(from, to);
  for (let m = mid; m < to && m < mid + SPLIT_SEARCH; m++) {
    if ((await store.get(OSDMAP_PREFIX, `full_${m}`)) !== undefined) return m;
  }
  return undefined;
}

/** `verifyHistory`, with the range split over two threads when it is long enough. */
export async function verifyHistoryParallel(store: MonStore, opts: ParallelVerifyOptions = {}): Promise<HistoryReport> {
  const threads = opts.threads ?? defaultThreads();
  if (threads < 2) return verifyHistory(store, opts);
  const { from, to } = resolveRange(await readOsdmapRange(store), opts);
  if (to - from < Math.max(2, opts.minEpochs ?? PARALLEL_MIN_EPOCHS)) return verifyHistory(store, opts);
  const split = await splitEpoch(store, from + 1, to);
  if (split === undefined) return verifyHistory(store, opts);

  let firstDone = 0;
  let secondDone = 0;
  const progress = () => opts.onProgress?.(firstDone + secondDone, to - from);
  const second = startShare({ kind: JOB, store: store.location.monDataDir ?? store.location.dbDir, from: split, to }, (done) => {
    secondDone = done;
    progress();
  });
  let first: HistoryReport;
  try {
    first = await verifyHistory(store, {
      from,
      to: split,
      onProgress: (done) => {
        firstDone = done;
        progress();
      },
    });
  } catch (e) {
    await second.stop();
    throw e;
  }
  if (!first.ok) {
    await second.stop();
    return { ...first, from, to };
  }
  const { report, error } = await second.outcome;
  await second.stop();
  if (error) throw error;
  return {
    from,
    to,
    rebuilt: first.rebuilt + report!.rebuilt,
    missingFull: [...first.missingFull, ...report!.missingFull],
    ok: report!.ok,
    ...(report!.mismatch ? { mismatch: report!.mismatch } : {}),
  };
}
