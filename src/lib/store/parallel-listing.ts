import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MonctlError, type ErrorCode } from '../errors.js';
import { listingChunks, type ListingChunk, type ListingKind } from './listing.js';
import type { KeyRange, MonStore } from './mon-store.js';

/** Below this many bytes a listing is faster in one thread than with workers to start. */
const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/** Chunks a worker may run ahead of the writer (~50 KiB each). */
const CREDIT = 1024;
/** Split keys are `base` + this many printable ASCII characters. */
const SPLIT_CHARS = 3;
const FIRST = 0x20;
const RADIX = 0x7f - FIRST;

function splitKey(base: string, n: number): string {
  let s = '';
  for (let i = 0; i < SPLIT_CHARS; i++) {
    s = String.fromCharCode(FIRST + (n % RADIX)) + s;
    n = Math.floor(n / RADIX);
  }
  return base + s;
}

/**
 * Cuts [gte, lt) into `parts` ranges of about equal on-disk size, by bisecting
 * approximateSize over keys `gte` + 3 printable characters. Whole store: gte = ''.
 */
export async function splitRange(store: MonStore, range: KeyRange, parts: number): Promise<KeyRange[]> {
  const gte = range.gte ?? '';
  const lt = range.lt ?? '\u007f';
  const total = await store.approximateSize({ gte, lt });
  const bounds: string[] = [];
  for (let i = 1; i < parts; i++) {
    let lo = 0;
    let hi = RADIX ** SPLIT_CHARS - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await store.approximateSize({ gte, lt: splitKey(gte, mid) })) * parts < total * i) lo = mid + 1;
      else hi = mid;
    }
    const key = splitKey(gte, lo);
    if (key < lt && (bounds.length === 0 || key > bounds[bounds.length - 1]!)) bounds.push(key);
  }
  const edges = [range.gte, ...bounds, range.lt];
  const out: KeyRange[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    out.push({ ...(edges[i] !== undefined ? { gte: edges[i] } : {}), ...(edges[i + 1] !== undefined ? { lt: edges[i + 1] } : {}) });
  }
  return out;
}

interface WorkerFeed {
  queue: ListingChunk[];
  done: boolean;
  error?: MonctlError;
  wake?: () => void;
  worker: Worker;
}

function startWorker(storePath: string, kind: ListingKind, range: KeyRange): WorkerFeed {
  const workerData = { store: storePath, kind, range, credit: CREDIT };
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./listing-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  // The built CLI runs the compiled worker; from TypeScript sources (tests, bin/dev.js) the
  // worker first registers tsx's loader.
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData })
    : new Worker(url, { workerData });
  const feed: WorkerFeed = { queue: [], done: false, worker };
  worker.on('message', (m: { type: string; text?: string; keys?: number; message?: string; code?: string }) => {
    if (m.type === 'chunk') feed.queue.push({ text: m.text!, keys: m.keys! });
    else if (m.type === 'done') feed.done = true;
    else {
      feed.error = new MonctlError((m.code as ErrorCode | undefined) ?? 'STORE_OPEN_FAILED', m.message ?? 'listing worker failed');
      feed.done = true;
    }
    feed.wake?.();
  });
  worker.on('error', (e) => {
    feed.error = new MonctlError('STORE_OPEN_FAILED', `listing worker failed: ${e.message}`, { cause: e });
    feed.done = true;
    feed.wake?.();
  });
  return feed;
}

async function* drain(feed: WorkerFeed): AsyncIterable<ListingChunk> {
  for (;;) {
    const chunk = feed.queue.shift();
    if (chunk) {
      feed.worker.postMessage('ack');
      yield chunk;
      continue;
    }
    if (feed.error) throw feed.error;
    if (feed.done) return;
    await new Promise<void>((r) => (feed.wake = r));
    feed.wake = undefined;
  }
}

/**
 * `listingChunks` over a big store with one worker thread per core, each listing its own
 * slice of the key space from its own read-only view; chunks come out in store order.
 * Small stores (or one core) are listed in this thread.
 */
export async function* parallelListingChunks(
  store: MonStore,
  storePath: string,
  kind: ListingKind,
  range: KeyRange,
  opts: { workers?: number; minBytes?: number } = {},
): AsyncIterable<ListingChunk> {
  const parts = opts.workers ?? Math.min(availableParallelism(), 4);
  const size = parts > 1 ? await store.approximateSize({ gte: range.gte ?? '', lt: range.lt ?? '\u007f' }) : 0;
  if (parts < 2 || size < (opts.minBytes ?? PARALLEL_MIN_BYTES)) {
    yield* listingChunks(store, kind, range);
    return;
  }
  const ranges = await splitRange(store, range, parts);
  const feeds = ranges.map((r) => startWorker(storePath, kind, r));
  try {
    for (const feed of feeds) yield* drain(feed);
  } finally {
    await Promise.all(feeds.map((f) => f.worker.terminate()));
  }
}
