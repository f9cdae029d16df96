import type { KeyRange, MonStore } from './mon-store.js';
import type { ListingText } from './backend.js';
import { kvToolKeyLine, rawKeyValueCrc } from './keys.js';

/** What a key listing prints per key: `list` = `prefix\tkey`, `crc` = `prefix\tkey\tcrc`. */
export type ListingKind = 'list' | 'crc';

export type ListingChunk = ListingText;

const utf8 = new TextDecoder();

/**
 * The lines `ceph-kvstore-tool list` / `list-crc` print for the keys in `range`, as text
 * chunks in store order (one string per chunk: per-line writes are the slow part). LevelDB
 * makes them from key bytes in its TypeScript reader; other backends from key strings.
 */
export function listingChunks(store: MonStore, kind: ListingKind, range: KeyRange): AsyncIterable<ListingChunk> {
  return store.listingText(kind === 'crc', range, () => stringListing(store, kind, range));
}

/** The listing built from one JS string per key (backends without a byte-level fast path). */
async function* stringListing(store: MonStore, kind: ListingKind, range: KeyRange): AsyncIterable<ListingChunk> {
  if (kind === 'list') {
    for await (const keys of store.keyStrings(range)) {
      let text = '';
      for (const raw of keys) text += kvToolKeyLine(raw) + '\n';
      yield { text, keys: keys.length };
    }
    return;
  }
  for await (const chunk of store.rawChunks(range)) {
    let text = '';
    for (const e of chunk) text += `${kvToolKeyLine(utf8.decode(e.key))}\t${rawKeyValueCrc(e.key, e.value)}\n`;
    yield { text, keys: chunk.length };
  }
}

export interface ListingEntry {
  prefix: string;
  key: string;
  crc?: number;
}

/** The same listing as objects (for `--json`), keys not escaped. */
export async function* listingEntries(store: MonStore, kind: ListingKind, range: KeyRange): AsyncIterable<ListingEntry[]> {
  const split = (raw: string) => {
    const nul = raw.indexOf('\0');
    return { prefix: raw.slice(0, nul), key: raw.slice(nul + 1) };
  };
  if (kind === 'list') {
    for await (const keys of store.keyStrings(range)) yield keys.map(split);
    return;
  }
  for await (const chunk of store.rawChunks(range)) {
    yield chunk.map((e) => ({ ...split(utf8.decode(e.key)), crc: rawKeyValueCrc(e.key, e.value) }));
  }
}
