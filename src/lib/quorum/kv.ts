/**
 * A monitor's store as the core sees it: every key `prefix\0key` → value, the same map the
 * host loads from disk. Transactions are applied with MonitorDBStore's op semantics so the
 * core's view and the persisted store stay the same bytes.
 */
import { Writer } from '../encoding/index.js';
import { OP_ERASE, OP_ERASE_RANGE, OP_PUT, type Transaction } from '../store/transaction.js';

export type Kv = Map<string, Uint8Array>;

export const kvKey = (prefix: string, key: string): string => `${prefix}\0${key}`;

export function splitKvKey(k: string): { prefix: string; key: string } {
  const nul = k.indexOf('\0');
  return nul < 0 ? { prefix: k, key: '' } : { prefix: k.slice(0, nul), key: k.slice(nul + 1) };
}

/** A u64 version_t value (MonitorDBStore::get's rule: absent is undefined here, 0 to callers that ask). */
export function getVersion(kv: Kv, prefix: string, key: string): bigint | undefined {
  const v = kv.get(kvKey(prefix, key));
  if (v === undefined || v.length < 8) return undefined;
  // Hot (every paxos message reads the bookkeeping): two u32 halves, one BigInt each.
  const lo = (v[0]! | (v[1]! << 8) | (v[2]! << 16) | (v[3]! << 24)) >>> 0;
  const hi = (v[4]! | (v[5]! << 8) | (v[6]! << 16) | (v[7]! << 24)) >>> 0;
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

export function versionBytes(v: bigint): Uint8Array {
  return new Writer(8).u64(v).bytes();
}

const utf8 = new TextEncoder();
function bytewise(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

/** Applies the ops in order: PUT, ERASE, ERASE_RANGE [key, endKey); COMPACT changes nothing. */
export function applyTransaction(kv: Kv, tx: Transaction): void {
  for (const op of tx.ops) {
    if (op.type === OP_PUT) kv.set(kvKey(op.prefix, op.key), op.value);
    else if (op.type === OP_ERASE) kv.delete(kvKey(op.prefix, op.key));
    else if (op.type === OP_ERASE_RANGE) {
      const lo = kvKey(op.prefix, op.key);
      const hi = kvKey(op.prefix, op.endKey);
      for (const k of [...kv.keys()]) if (bytewise(k, lo) >= 0 && bytewise(k, hi) < 0) kv.delete(k);
    }
  }
}

/** Every entry of the given prefixes, sorted bytewise (a deterministic snapshot). */
export function prefixEntries(kv: Kv, prefixes: readonly string[]): [string, Uint8Array][] {
  const want = new Set(prefixes);
  return [...kv.entries()].filter(([k]) => want.has(splitKvKey(k).prefix)).sort(([a], [b]) => bytewise(a, b));
}
