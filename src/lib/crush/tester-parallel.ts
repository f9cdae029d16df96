/**
 * `crush test` on several cores: each block's x range (XRangeRequest of crushTestSteps) is cut
 * into one contiguous share per thread; the main thread maps the first share while worker threads
 * (one per extra share, kept for the whole run, each with its own decode of the CRUSH map) map
 * the others. Texts are joined in x order and counts summed, so the output is exactly the
 * single-threaded one.
 *
 * This file is also the worker's entry point (it recognises its workerData).
 */
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { defaultThreads, startModuleWorker } from '../threads.js';
import { decodeCrushMap } from './codec.js';
import {
  addXRange,
  crushTestChunks,
  crushTestSteps,
  emptyXRange,
  mapXRange,
  xRangeError,
  xRangeSetup,
  type CrushTestOptions,
  type CrushTestProgress,
  type XRangeRequest,
  type XRangeResult,
} from './tester.js';

const JOB = 'monctl-crush-x-ranges';

/** Below this many x per block a thread costs more than it saves. */
export const PARALLEL_MIN_X = 32_768;

/** x per slice of a block: each slice's text is yielded before the next is mapped. */
const SLICE_X = 1 << 17;

interface Job {
  kind: typeof JOB;
  bytes: Uint8Array;
  opts: CrushTestOptions;
}

if (!isMainThread && (workerData as Job | undefined)?.kind === JOB) {
  const job = workerData as Job;
  const setup = xRangeSetup(decodeCrushMap(job.bytes), job.opts);
  parentPort!.on('message', (req: XRangeRequest) => {
    const r = mapXRange(setup, req);
    parentPort!.postMessage(r, [r.per.buffer, r.sizes.buffer] as ArrayBuffer[]);
  });
}

class XWorker {
  private readonly w: Worker;
  private pending: { resolve: (r: XRangeResult) => void; reject: (e: Error) => void } | undefined;

  constructor(job: Job) {
    this.w = startModuleWorker(import.meta.url, job);
    this.w.on('message', (r: XRangeResult) => this.settle()?.resolve(r));
    this.w.on('error', (e) => this.settle()?.reject(e));
    this.w.on('exit', (code) => this.settle()?.reject(new Error(`crush test worker exited with code ${code}`)));
  }

  private settle(): XWorker['pending'] {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }

  map(req: XRangeRequest): Promise<XRangeResult> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.w.postMessage(req);
    });
  }

  close(): Promise<number> {
    return this.w.terminate();
  }
}



/** crushTestChunks on up to `threads` threads; `bytes` is the map's encoding (workers decode it). */
export async function* crushTestChunksParallel(
  bytes: Uint8Array,
  opts: CrushTestOptions,
  threads = defaultThreads(),
  sliceX = SLICE_X,
  onProgress?: CrushTestProgress,
): AsyncGenerator<string, void, undefined> {
  const map = decodeCrushMap(bytes);
  const span = Math.max(0, (opts.maxX ?? -1) - (opts.minX ?? -1) + 1);
  if (threads < 2 || opts.minX === undefined || opts.minX < 0 || span < PARALLEL_MIN_X) {
    yield* crushTestChunks(map, opts, undefined, undefined, onProgress);
    return;
  }
  const setup = xRangeSetup(map, opts);
  const workers = Array.from({ length: threads - 1 }, () => new XWorker({ kind: JOB, bytes, opts }));
  try {
    const steps = crushTestSteps(map, opts);
    let res: XRangeResult | undefined;
    for (let step = steps.next(); !step.done; step = steps.next(res)) {
      res = undefined;
      if (typeof step.value === 'string') {
        yield `${step.value}\n`;
        continue;
      }
      // Blocks are mapped in slices so that output flows and no block's text sits in memory whole.
      const block = step.value;
      const total = emptyXRange(setup, block);
      for (let from = block.minX; from <= block.maxX; from += sliceX) {
        const req = { ...block, minX: from, maxX: Math.min(block.maxX, from + sliceX - 1) };
        const n = req.maxX - req.minX + 1;
        const cut = (k: number): number => req.minX + Math.floor((n * k) / threads);
        const theirs = workers.map((w, k) => w.map({ ...req, minX: cut(k + 1), maxX: cut(k + 2) - 1 }));
        for (const t of theirs) t.catch(() => {});
        const mine = mapXRange(setup, { ...req, maxX: cut(1) - 1 });
        const all = [mine, ...(await Promise.all(theirs))];
        // Shares in x order; a share that met a CRUSH loop ends the output (and the run) there.
        const upTo = all.findIndex((r) => r.failed !== undefined);
        const shown = upTo < 0 ? all : all.slice(0, upTo + 1);
        const text = shown.map((r) => r.text).join('');
        if (text !== '') yield text;
        if (upTo >= 0) throw xRangeError(block, all[upTo]!.failed!);
        for (const r of all) addXRange(total, r);
        onProgress?.({ rule: block.rule, numRep: block.numRep, x: req.maxX, minX: block.minX, maxX: block.maxX });
      }
      res = total;
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}
