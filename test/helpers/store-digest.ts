import { createHash } from 'node:crypto';
import { MonStore } from '../../src/lib/store/index.js';

/**
 * sha256 over every raw key and value of a store, in store order: equal digests = the same
 * logical content (whatever the files look like after compaction). Keys named in
 * `ignoreValues` (`prefix/key`) count by key only: values that hold a clock reading.
 */
export async function kvDigest(mon: string, ignoreValues: ReadonlySet<string> = new Set()): Promise<string> {
  const h = createHash('sha256');
  await MonStore.with(mon, {}, async (s) => {
    for await (const chunk of s.rawChunks()) {
      for (const { key, value } of chunk) {
        h.update(key).update('\u0001');
        const name = Buffer.from(key).toString('utf8').replace('\0', '/');
        h.update(ignoreValues.has(name) ? 'ignored' : value).update('\u0002');
      }
    }
  });
  return h.digest('hex');
}
