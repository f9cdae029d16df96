import { MonctlError } from '../../errors.js';
import type { ListingText, RawEntry, RawRange } from '../backend.js';
import { UnsupportedStore } from './format.js';
import { fillListing } from './lines.js';
import type { MergedCursor } from './merge.js';

/** What the listings need of a reader: a merged cursor over a key range. */
export interface CursorSource {
  iterate(gte?: Uint8Array, lt?: Uint8Array): MergedCursor;
}

const CHUNK = 1024;
/** Output bytes per listing chunk: small enough that progress and back-pressure stay smooth. */
const LISTING_BYTES = 64 * 1024;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Runs a reader-backed iteration; if the reader gives up (UnsupportedStore) before the
 * first chunk, the same call is served by `fallback` (classic-level) instead. After output
 * has started there is no going back: the store is reported damaged.
 */
async function* guarded<T>(chunks: () => Iterable<T>, fallback: () => AsyncIterable<T>): AsyncIterable<T> {
  let started = false;
  try {
    for (const chunk of chunks()) {
      started = true;
      yield chunk;
    }
  } catch (e) {
    if (!(e instanceof UnsupportedStore)) throw e;
    if (!started) {
      yield* fallback();
      return;
    }
    throw new MonctlError('DECODE_INVALID', `LevelDB store damaged: ${e.reason}`, {
      cause: e,
      actions: ['Check the store with `monctl store check`, or read it with `ceph-kvstore-tool leveldb <store.db> list`.'],
    });
  }
}

/** The merged cursor over [gte, lt), and `fill(cursor)` called for one chunk at a time. */
function* chunked<T>(
  reader: CursorSource,
  range: { gte?: Uint8Array | string; lt?: Uint8Array | string },
  fill: (c: MergedCursor) => T | undefined,
): Iterable<T> {
  const bytes = (b: Uint8Array | string | undefined) => (typeof b === 'string' ? utf8.encode(b) : b);
  const cursor = reader.iterate(bytes(range.gte), bytes(range.lt));
  while (cursor.valid) {
    const chunk = fill(cursor);
    if (chunk !== undefined) yield chunk;
  }
}

/** Entries as RawEntry chunks (keys and values copied out of the reader's buffers). */
export function readerChunks(reader: CursorSource, range: RawRange, fallback: () => AsyncIterable<RawEntry[]>): AsyncIterable<RawEntry[]> {
  const wantValues = range.values !== false;
  const empty = new Uint8Array(0);
  return guarded(
    () =>
      chunked(reader, range, (c) => {
        const chunk: RawEntry[] = [];
        for (; c.valid && chunk.length < CHUNK; c.next()) {
          chunk.push({ key: c.key.slice(0, c.keyLen), value: wantValues ? c.valueBuf.slice(c.valueOff, c.valueOff + c.valueLen) : empty });
        }
        return chunk;
      }),
    fallback,
  );
}

/** Raw keys decoded as UTF-8, like classic-level's `keyEncoding: 'utf8'`. */
export function readerKeyStrings(
  reader: CursorSource,
  range: { gte?: string; lt?: string },
  fallback: () => AsyncIterable<string[]>,
): AsyncIterable<string[]> {
  return guarded(
    () =>
      chunked(reader, range, (c) => {
        const chunk: string[] = [];
        for (; c.valid && chunk.length < 4 * CHUNK; c.next()) chunk.push(utf8Decoder.decode(c.key.subarray(0, c.keyLen)));
        return chunk;
      }),
    fallback,
  );
}

/** `list` / `list-crc` lines made from key bytes: one latin1 string per chunk, none per key. */
export function readerListing(
  reader: CursorSource,
  withCrc: boolean,
  range: RawRange,
  fallback: () => AsyncIterable<ListingText>,
): AsyncIterable<ListingText> {
  let out = Buffer.allocUnsafe(LISTING_BYTES);
  return guarded(
    () =>
      chunked(reader, range, (c) => {
        const { bytes, keys } = fillListing(c, withCrc, out);
        // A single key too long for the buffer: grow it and try again.
        if (keys === 0) out = Buffer.allocUnsafe(out.length * 4);
        return keys === 0 ? undefined : { text: out.toString('latin1', 0, bytes), keys };
      }),
    fallback,
  );
}
