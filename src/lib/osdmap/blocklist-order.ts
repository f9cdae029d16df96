/**
 * The order Ceph lists an OSDMap's blocklist in. The map encodes it sorted (through an ordered
 * copy), but holds it in a std::unordered_map<entity_addr_t, utime_t>: decode inserts the
 * entries one by one in the encoded order, and OSDMap::print and OSDMap::dump walk the hash
 * table. So `osdmaptool --print` and `--dump` show hash-table order, which depends on the
 * addresses' hashes and on how the table grew. (The range blocklist is an ordered std::map.)
 *
 * The hash is Ceph's std::hash<entity_addr_t>: blobhash over the 36-byte in-memory
 * entity_addr_t (the 32-bit words XORed, then Robert Jenkins' 32-bit integer hash). The table
 * is libstdc++'s (GCC 12, as the Pacific packages are built): one singly linked list of nodes,
 * each bucket pointing at the node before its first; a node goes first in its bucket, a node
 * of an empty bucket first in the list; the bucket array grows to a prime when an insertion
 * would pass one element per bucket, relinking the nodes in list order.
 */
import { entityAddrKey, type EntityAddr } from '../msg/entity-addr.js';
import { sortedAddrEntries, type AddrEntry, type AddrMap } from './osdmap-codec.js';

/** Robert Jenkins' 32-bit integer hash (Ceph's rjhash32). */
export function rjhash32(x: number): number {
  let a = x >>> 0;
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) >>> 0;
  a = (a + 0x165667b1 + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) >>> 0;
  return a;
}

/** Ceph's blobhash: the little-endian 32-bit words XORed (a short tail shifted in), then rjhash32. */
export function blobhash(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let acc = 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) acc ^= view.getUint32(i, true);
  // The tail bytes go through a (signed) char, as Ceph's loop reads them.
  for (let sh = 0; i < bytes.length; i++, sh += 8) acc ^= (((bytes[i]! << 24) >> 24) << sh);
  return rjhash32(acc >>> 0);
}

/** std::hash<entity_addr_t>. */
export function entityAddrHash(a: EntityAddr): number {
  return blobhash(entityAddrKey(a));
}

/**
 * Bucket counts of a std::unordered_map (libstdc++, max_load_factor 1) filled one element at a
 * time: 13 buckets from the first element, then the next count when the table would hold one
 * more element than it has buckets. (Observed with GCC 12's libstdc++; past the last count
 * the order is not modelled.)
 */
export const UNORDERED_BUCKET_COUNTS = [
  13, 29, 59, 127, 257, 541, 1109, 2357, 5087, 10273, 20753, 42043, 85229, 172933, 351061, 712697, 1447153, 2938679, 5967347,
] as const;

const NIL = -1;

/**
 * Iteration order of a std::unordered_map with unique keys into which elements with these
 * hashes were inserted in this order: the returned list holds insertion indexes.
 */
export function unorderedMapOrder(hashes: readonly number[]): number[] {
  const n = hashes.length;
  if (n > UNORDERED_BUCKET_COUNTS.at(-1)!) throw new RangeError(`unorderedMapOrder: ${n} elements are more than the table model covers`);
  // Node k + 1 is element k; node 0 is the list head (libstdc++'s before-begin node).
  const next = new Int32Array(n + 1).fill(NIL);
  let size = 0;
  let level = -1;
  let count = 1;
  let buckets = new Int32Array(1).fill(NIL);
  const bucketOf = (node: number) => hashes[node - 1]! % count;

  const rehash = (newCount: number): void => {
    const fresh = new Int32Array(newCount).fill(NIL);
    let p = next[0]!;
    next[0] = NIL;
    let firstBucket = 0;
    while (p !== NIL) {
      const after = next[p]!;
      const b = hashes[p - 1]! % newCount;
      if (fresh[b] === NIL) {
        next[p] = next[0]!;
        next[0] = p;
        fresh[b] = 0;
        if (next[p] !== NIL) fresh[firstBucket] = p;
        firstBucket = b;
      } else {
        next[p] = next[fresh[b]!]!;
        next[fresh[b]!] = p;
      }
      p = after;
    }
    buckets = fresh;
    count = newCount;
  };

  for (let k = 0; k < n; k++) {
    const node = k + 1;
    if (size + 1 > (level < 0 ? 0 : count)) rehash(UNORDERED_BUCKET_COUNTS[++level]!);
    const b = hashes[k]! % count;
    const before = buckets[b]!;
    if (before !== NIL) {
      next[node] = next[before]!;
      next[before] = node;
    } else {
      next[node] = next[0]!;
      next[0] = node;
      if (next[node] !== NIL) buckets[bucketOf(next[node]!)] = node;
      buckets[b] = 0;
    }
    size++;
  }
  const order: number[] = [];
  for (let p = next[0]!; p !== NIL; p = next[p]!) order.push(p - 1);
  return order;
}

/** The blocklist in the order `osdmaptool --print` and `--dump` list it. */
export function blocklistInCephOrder(m: AddrMap): AddrEntry[] {
  const sorted = sortedAddrEntries(m);
  return unorderedMapOrder(sorted.map((e) => entityAddrHash(e.addr))).map((i) => sorted[i]!);
}
