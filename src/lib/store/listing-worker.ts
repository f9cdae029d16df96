/**
 * Worker thread of a parallel listing: opens its own read-only view of the store, lists one
 * key range and posts the text chunks, stopping when it runs `credit` chunks ahead of the
 * main thread's acknowledgements (bounded memory).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { listingChunks, type ListingKind } from './listing.js';
import type { KeyRange } from './mon-store.js';
import { MonStore } from './mon-store.js';

interface Job {
  store: string;
  kind: ListingKind;
  range: KeyRange;
  credit: number;
}

const job = workerData as Job;
const port = parentPort!;
let acked = 0;
let wake: (() => void) | undefined;
port.on('message', () => {
  acked++;
  wake?.();
});

async function main(): Promise<void> {
  let sent = 0;
  await MonStore.with(job.store, {}, async (store) => {
    for await (const chunk of listingChunks(store, job.kind, job.range)) {
      while (sent - acked >= job.credit) await new Promise<void>((r) => (wake = r));
      port.postMessage({ type: 'chunk', ...chunk });
      sent++;
    }
  });
  port.postMessage({ type: 'done' });
}

main().catch((e: unknown) => {
  const err = e as Error & { code?: string };
  port.postMessage({ type: 'error', message: err.message, code: err.code });
});
