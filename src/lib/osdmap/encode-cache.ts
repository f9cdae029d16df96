/**
 * Encoded parts of one OSDMap kept for the next epoch's encoding (osdmap verify replays
 * thousands of epochs that each change a few OSDs). A part is reused only when it was made
 * from the very same objects with the same features: whole containers are keyed by identity
 * (applyIncrementalShared copies a container before changing it), per-OSD vectors in blocks
 * whose elements are compared with ===. Each reused span carries its CRC-32C, so the map's
 * CRC is chained over it without reading its bytes again.
 */
import { crc32c, crc32cExtend, Writer } from '../encoding/index.js';

/** Elements per block of a per-OSD vector. */
const BLOCK = 32;

interface Part {
  key: string;
  bytes: Uint8Array;
  crc0: number;
}

interface Block extends Part {
  items: readonly unknown[];
}

/** A per-OSD vector as last written: its count, then its blocks' bytes. */
interface WholeList {
  key: string;
  blocks: Block[];
  length: number;
  crc0: number;
}

/** A span of the output whose CRC-32C (seed 0) is known. */
interface Span {
  at: number;
  length: number;
  crc0: number;
}

export class EncodeCache {
  private parts = new WeakMap<object, Part>();
  private lists = new WeakMap<object, WholeList>();
  private blocks = new Map<string, Block[]>();
  private spans: Span[] = [];
  /** One buffer for every encoding: no fresh (page-faulting) memory per epoch. */
  private readonly writer = new Writer(1 << 16);

  /** Starts one encoding into the cache's Writer (spans are offsets into it). */
  begin(): Writer {
    this.spans = [];
    return this.writer.reset();
  }

  private record(w: Writer, at: number, key: string): Part {
    const bytes = w.written(at).slice();
    const part = { key, bytes, crc0: crc32c(0, bytes) };
    this.spans.push({ at, length: bytes.length, crc0: part.crc0 });
    return part;
  }

  private reuse(w: Writer, part: Part): void {
    this.spans.push({ at: w.length, length: part.bytes.length, crc0: part.crc0 });
    w.raw(part.bytes);
  }

  /** Writes `encode()`'s bytes for `value`, from the cache when `value` was written before with `key`. */
  part(w: Writer, value: object, key: string, encode: () => void): void {
    const hit = this.parts.get(value);
    if (hit !== undefined && hit.key === key) {
      this.reuse(w, hit);
      return;
    }
    const at = w.length;
    encode();
    this.parts.set(value, this.record(w, at, key));
  }

  /**
   * A vector (u32 count, then the items): whole when the very same array was written before,
   * else block by block (an epoch changes a few OSDs: most blocks are reused).
   */
  list<T>(w: Writer, slot: string, items: readonly T[], key: string, encodeItem: (w: Writer, item: T) => void): void {
    const whole = this.lists.get(items);
    if (whole !== undefined && whole.key === key) {
      // One span for the whole vector; its bytes are its blocks' (no copy of it is kept).
      this.spans.push({ at: w.length, length: whole.length, crc0: whole.crc0 });
      w.u32(items.length);
      for (const b of whole.blocks) w.raw(b.bytes);
      return;
    }
    const at = w.length;
    const firstSpan = this.spans.length;
    const blocks = this.blockList(w, slot, items, key, encodeItem);
    // The whole vector's CRC, chained from its count and its blocks' CRCs.
    let crc0 = crc32c(0, w.written(at, at + 4));
    for (let i = firstSpan; i < this.spans.length; i++) crc0 = crc32cExtend(crc0, this.spans[i]!.crc0, this.spans[i]!.length);
    this.lists.set(items, { key, blocks, length: w.length - at, crc0 });
  }

  private blockList<T>(w: Writer, slot: string, items: readonly T[], key: string, encodeItem: (w: Writer, item: T) => void): Block[] {
    w.u32(items.length);
    let blocks = this.blocks.get(slot);
    if (blocks === undefined) this.blocks.set(slot, (blocks = []));
    blocks.length = Math.min(blocks.length, Math.ceil(items.length / BLOCK));
    for (let b = 0, from = 0; from < items.length; b++, from += BLOCK) {
      const to = Math.min(items.length, from + BLOCK);
      const cached = blocks[b];
      if (cached !== undefined && cached.key === key && sameItems(cached.items, items, from, to)) {
        this.reuse(w, cached);
        continue;
      }
      const at = w.length;
      for (let i = from; i < to; i++) encodeItem(w, items[i]!);
      blocks[b] = { ...this.record(w, at, key), items: items.slice(from, to) };
    }
    return blocks.slice(0, Math.ceil(items.length / BLOCK));
  }

  /** CRC-32C from `seed` over w's bytes [start, end), reading only what no span covers. */
  crc(w: Writer, seed: number, start: number, end: number): number {
    let crc = seed;
    let pos = start;
    for (const s of this.spans) {
      if (s.at < pos || s.at + s.length > end) continue;
      crc = crc32c(crc, w.written(pos, s.at));
      crc = crc32cExtend(crc, s.crc0, s.length);
      pos = s.at + s.length;
    }
    return crc32c(crc, w.written(pos, end));
  }
}

function sameItems(cached: readonly unknown[], items: readonly unknown[], from: number, to: number): boolean {
  if (cached.length !== to - from) return false;
  for (let i = from; i < to; i++) if (cached[i - from] !== items[i]) return false;
  return true;
}

/** `encode()` through the cache when there is one. */
export function writePart(w: Writer, cache: EncodeCache | undefined, value: object, key: string, encode: () => void): void {
  if (cache) cache.part(w, value, key, encode);
  else encode();
}

/** `w.list(items, item)` through the cache when there is one; `slot` names the vector. */
export function writeList<T>(w: Writer, cache: EncodeCache | undefined, slot: string, items: readonly T[], key: string, item: (w: Writer, v: T) => void): void {
  if (cache) cache.list(w, slot, items, key, item);
  else w.list(items, item);
}
