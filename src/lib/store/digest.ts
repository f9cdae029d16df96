import { createHash, type Hash } from 'node:crypto';
import type { RawEntry } from './backend.js';
import type { MonStore } from './mon-store.js';

/** Keys and bytes of one prefix. */
export interface PrefixDigest {
  prefix: string;
  keys: number;
  /** Bytes of the raw keys (`prefix`, 0x00, `key`). */
  key_bytes: number;
  value_bytes: number;
}

/**
 * A key-by-key fingerprint of a store: counts and bytes per prefix, and one SHA-256 over
 * every (key, value) in store order. Two stores with equal digests hold the same keys with
 * the same values in the same order.
 */
export interface StoreDigest {
  keys: number;
  key_bytes: number;
  value_bytes: number;
  /**
   * SHA-256 of the stream `u32le(len(key)) key u32le(len(value)) value` over every entry in
   * store order (raw keys as stored: `prefix\0key`), hex.
   */
  sha256: string;
  prefixes: PrefixDigest[];
}

const utf8 = new TextDecoder();

/** Builds a StoreDigest from entries fed in store order. */
export class DigestBuilder {
  private readonly hash: Hash = createHash('sha256');
  private readonly prefixes: PrefixDigest[] = [];
  private current: PrefixDigest | undefined;
  /** The raw prefix bytes (up to and including the 0x00) of `current`. */
  private currentRaw: Uint8Array = new Uint8Array(0);
  private keys = 0;
  private keyBytes = 0;
  private valueBytes = 0;

  add(entries: readonly RawEntry[]): void {
    let size = 0;
    for (const e of entries) size += 8 + e.key.length + e.value.length;
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    for (const e of entries) {
      buf.writeUInt32LE(e.key.length, at);
      buf.set(e.key, at + 4);
      at += 4 + e.key.length;
      buf.writeUInt32LE(e.value.length, at);
      buf.set(e.value, at + 4);
      at += 4 + e.value.length;
      this.account(e);
    }
    this.hash.update(buf);
  }

  private account(e: RawEntry): void {
    if (!this.current || !this.samePrefix(e.key)) {
      const nul = e.key.indexOf(0);
      const end = nul < 0 ? e.key.length : nul;
      this.currentRaw = e.key.slice(0, nul < 0 ? end : end + 1);
      this.current = { prefix: utf8.decode(e.key.subarray(0, end)), keys: 0, key_bytes: 0, value_bytes: 0 };
      this.prefixes.push(this.current);
    }
    this.current.keys++;
    this.current.key_bytes += e.key.length;
    this.current.value_bytes += e.value.length;
    this.keys++;
    this.keyBytes += e.key.length;
    this.valueBytes += e.value.length;
  }

  /** True when `key` starts with the current prefix and its 0x00 (or equals a NUL-less prefix). */
  private samePrefix(key: Uint8Array): boolean {
    const p = this.currentRaw;
    const withNul = p.length > 0 && p[p.length - 1] === 0;
    if (!withNul) return key.length === p.length && key.indexOf(0) < 0 && Buffer.compare(key, p) === 0;
    if (key.length < p.length) return false;
    for (let i = p.length - 1; i >= 0; i--) if (key[i] !== p[i]) return false;
    return true;
  }

  result(): StoreDigest {
    return {
      keys: this.keys,
      key_bytes: this.keyBytes,
      value_bytes: this.valueBytes,
      sha256: this.hash.copy().digest('hex'),
      prefixes: this.prefixes.map((p) => ({ ...p })),
    };
  }
}

/** The digest of a whole store (every key, in store order). */
export async function digestStore(store: MonStore, onProgress?: (keys: number) => void): Promise<StoreDigest> {
  const d = new DigestBuilder();
  let n = 0;
  for await (const chunk of store.rawChunks()) {
    d.add(chunk);
    onProgress?.((n += chunk.length));
  }
  return d.result();
}

export interface DigestComparison {
  match: boolean;
  /** One readable line per difference (prefix counts/bytes, totals, the hash). */
  differences: string[];
}

/** Compares a source's digest with a copy's. */
export function compareDigests(source: StoreDigest, dest: StoreDigest): DigestComparison {
  const differences: string[] = [];
  const byPrefix = new Map(dest.prefixes.map((p) => [p.prefix, p]));
  for (const s of source.prefixes) {
    const d = byPrefix.get(s.prefix);
    byPrefix.delete(s.prefix);
    if (!d) differences.push(`prefix ${s.prefix}: ${s.keys} keys in the source, none in the copy`);
    else if (d.keys !== s.keys || d.key_bytes !== s.key_bytes || d.value_bytes !== s.value_bytes) {
      differences.push(`prefix ${s.prefix}: source ${s.keys} keys / ${s.value_bytes} value bytes, copy ${d.keys} keys / ${d.value_bytes} value bytes`);
    }
  }
  for (const d of byPrefix.values()) differences.push(`prefix ${d.prefix}: ${d.keys} keys in the copy, none in the source`);
  if (source.keys !== dest.keys) differences.push(`total: source ${source.keys} keys, copy ${dest.keys} keys`);
  if (source.sha256 !== dest.sha256) differences.push(`sha256: source ${source.sha256}, copy ${dest.sha256}`);
  return { match: differences.length === 0, differences };
}
