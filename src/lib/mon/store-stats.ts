import { prefixOwner } from './paxos/keys.js';
import type { MonStore } from '../store/mon-store.js';

export interface PrefixStats {
  prefix: string;
  /**
   * Who writes the prefix: a paxos service's name (its own prefix or one it keeps data in,
   * e.g. `osdmap` for osd_metadata, `config, kv` for mon_config_key), `paxos`, `monitor`,
   * or `unknown`. See PAXOS_SERVICES in src/lib/paxos/keys.ts.
   */
  owner: string;
  keys: number;
  /** Key bytes (prefix, separator and key) plus value bytes. */
  bytes: number;
  value_bytes: number;
  /** On-disk bytes of the prefix's table files, as the backend estimates them (0 while in the log). */
  approx_disk_bytes: number;
  largest: Array<{ key: string; bytes: number }>;
}

export interface StoreStats {
  total_keys: number;
  total_bytes: number;
  prefixes: PrefixStats[];
  /** Value sizes in power-of-two buckets: `histogram[i]` counts values < 2^i bytes (and ≥ 2^(i-1)). */
  value_size_histogram: Array<{ upper_bound: number; count: number }>;
}

function bucketOf(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

function ownerOf(prefix: string): string {
  return prefixOwner(prefix)?.owners.join(', ') ?? 'unknown';
}

/** Per-prefix key counts and sizes, the N largest values of each, and a size histogram. */
export async function storeStats(store: MonStore, opts: { top?: number; prefix?: string } = {}): Promise<StoreStats> {
  const top = opts.top ?? 3;
  const byPrefix = new Map<string, PrefixStats>();
  const hist: number[] = [];
  let totalKeys = 0;
  let totalBytes = 0;
  for await (const chunk of store.chunks({ prefix: opts.prefix })) {
    for (const e of chunk) {
      let s = byPrefix.get(e.prefix);
      if (!s) byPrefix.set(e.prefix, (s = { prefix: e.prefix, owner: ownerOf(e.prefix), keys: 0, bytes: 0, value_bytes: 0, approx_disk_bytes: 0, largest: [] }));
      const size = e.value.length;
      const bytes = e.prefix.length + 1 + e.key.length + size;
      s.keys++;
      s.bytes += bytes;
      s.value_bytes += size;
      totalKeys++;
      totalBytes += bytes;
      const b = bucketOf(size);
      hist[b] = (hist[b] ?? 0) + 1;
      if (s.largest.length < top || size > s.largest[s.largest.length - 1]!.bytes) {
        s.largest.push({ key: e.key, bytes: size });
        s.largest.sort((a, b2) => b2.bytes - a.bytes);
        if (s.largest.length > top) s.largest.pop();
      }
    }
  }
  for (const p of byPrefix.values()) p.approx_disk_bytes = await store.approximateSize({ gte: `${p.prefix}\0`, lt: `${p.prefix}\u0001` });
  const histogram = [];
  for (let i = 0; i < hist.length; i++) if (hist[i]) histogram.push({ upper_bound: 2 ** i, count: hist[i]! });
  return { total_keys: totalKeys, total_bytes: totalBytes, prefixes: [...byPrefix.values()], value_size_histogram: histogram };
}
