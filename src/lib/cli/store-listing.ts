/**
 * `monctl store list|crc` as text: the lines `ceph-kvstore-tool … list|list-crc` prints, streamed
 * to stdout chunk by chunk, with a progress line on a terminal; it stops quietly when stdout is
 * closed. Shared by the oclif commands and bin/run.js's fast path.
 */
import { OutputSink } from '../render/output.js';
import { Progress } from '../render/progress.js';
import { listingChunks, type ListingKind } from '../store/listing.js';
import { MonStore, prefixKeyRange } from '../store/index.js';

export async function printListingText(storePath: string | undefined, kind: ListingKind, prefix: string | undefined): Promise<void> {
  const out = new OutputSink();
  const progress = new Progress(kind === 'list' ? 'listing keys' : 'checksumming');
  let n = 0;
  await MonStore.with(storePath, {}, async (store) => {
    for await (const c of listingChunks(store, kind, prefixKeyRange(prefix))) {
      await out.write(c.text);
      progress.update((n += c.keys));
      if (out.isClosed) break;
    }
  });
  progress.done();
  await out.flush();
}
