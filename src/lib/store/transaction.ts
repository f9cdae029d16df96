import { MonctlError } from '../errors.js';
import { Reader, Writer } from '../encoding/index.js';

/** MonitorDBStore::Op type codes. */
export const OP_PUT = 1;
export const OP_ERASE = 2;
export const OP_COMPACT = 3;
export const OP_ERASE_RANGE = 4;

export type OpType = 'PUT' | 'ERASE' | 'COMPACT' | 'ERASE_RANGE';
const OP_NAMES: Record<number, OpType> = { 1: 'PUT', 2: 'ERASE', 3: 'COMPACT', 4: 'ERASE_RANGE' };

/** Encoding details kept from a decoded struct so re-encoding gives the same bytes. */
interface Wire {
  version: number;
  compat: number;
  /** Bytes of a newer minor version that this decoder skipped. */
  tail: Uint8Array;
}

export interface Op {
  /** Raw type code (1 PUT, 2 ERASE, 3 COMPACT, 4 ERASE_RANGE; others are kept, not applied). */
  type: number;
  prefix: string;
  /** The key; for COMPACT and ERASE_RANGE the start of the range. */
  key: string;
  /** The value of a PUT; empty otherwise. */
  value: Uint8Array;
  /** End of the range (exclusive) for COMPACT and ERASE_RANGE; empty otherwise. */
  endKey: string;
  wire?: Wire;
}

export interface Transaction {
  ops: Op[];
  /** Ceph's bookkeeping counters: kept as decoded, computed for transactions we build. */
  bytes: bigint;
  keys: bigint;
  wire?: Wire;
}

const OP_SUPPORTED = 2;
const TX_SUPPORTED = 2;
/** Size of an encoded empty transaction: Ceph starts `bytes` at this. */
export const EMPTY_TRANSACTION_BYTES = 26n;

export function opTypeName(type: number): OpType | 'unknown' {
  return OP_NAMES[type] ?? 'unknown';
}

export function decodeOp(r: Reader): Op {
  const env = r.envelope('MonitorDBStore::Op', OP_SUPPORTED);
  const type = r.u8('op type');
  const prefix = r.string('op prefix');
  const key = r.string('op key');
  const value = r.blob('op value');
  const endKey = env.version >= 2 ? r.string('op endkey') : '';
  const tail = r.finish(env, 'MonitorDBStore::Op');
  return { type, prefix, key, value, endKey, wire: { version: env.version, compat: env.compat, tail } };
}

export function encodeOp(w: Writer, op: Op): void {
  const version = op.wire?.version ?? 2;
  const mark = w.envelope(version, op.wire?.compat ?? 1);
  w.u8(op.type).string(op.prefix).string(op.key).blob(op.value);
  if (version >= 2) w.string(op.endKey);
  if (op.wire) w.raw(op.wire.tail);
  w.finish(mark);
}

export function decodeTransaction(r: Reader): Transaction {
  const env = r.envelope('MonitorDBStore::Transaction', TX_SUPPORTED);
  // Each op is at least an 6-byte header + type + three u32 lengths.
  const ops = r.list('transaction ops', decodeOp, 19);
  let bytes = 0n;
  let keys = 0n;
  if (env.version >= 2) {
    bytes = r.u64('transaction bytes');
    keys = r.u64('transaction keys');
  }
  const tail = r.finish(env, 'MonitorDBStore::Transaction');
  return { ops, bytes, keys, wire: { version: env.version, compat: env.compat, tail } };
}

export function encodeTransaction(w: Writer, tx: Transaction): void {
  const version = tx.wire?.version ?? 2;
  const mark = w.envelope(version, tx.wire?.compat ?? 1);
  w.list(tx.ops, encodeOp);
  if (version >= 2) w.u64(tx.bytes).u64(tx.keys);
  if (tx.wire) w.raw(tx.wire.tail);
  w.finish(mark);
}

/** Decodes a whole value (e.g. `paxos/<v>`) as one Transaction; `where` names the key. */
export function transactionFromBytes(bytes: Uint8Array, where?: string): Transaction {
  try {
    const r = new Reader(bytes);
    const tx = decodeTransaction(r);
    r.end('MonitorDBStore::Transaction');
    return tx;
  } catch (e) {
    if (e instanceof MonctlError && where) throw e.withKey(where);
    throw e;
  }
}

export function transactionToBytes(tx: Transaction): Uint8Array {
  const w = new Writer(64);
  encodeTransaction(w, tx);
  return w.bytes();
}

function byteLength(s: string): bigint {
  return BigInt(Buffer.byteLength(s, 'utf8'));
}

/**
 * Builds transactions the way MonitorDBStore::Transaction does, so `bytes`/`keys` carry
 * the same bookkeeping a monitor would write (PUT/ERASE/ERASE_RANGE count, COMPACT not).
 */
export class TransactionBuilder {
  readonly tx: Transaction = { ops: [], bytes: EMPTY_TRANSACTION_BYTES, keys: 0n };

  private account(op: Op): this {
    this.tx.ops.push(op);
    if (op.type !== OP_COMPACT) {
      this.tx.keys += 1n;
      this.tx.bytes += 23n + byteLength(op.prefix) + byteLength(op.key) + byteLength(op.endKey) + BigInt(op.value.length);
    }
    return this;
  }

  put(prefix: string, key: string, value: Uint8Array): this {
    return this.account({ type: OP_PUT, prefix, key, value, endKey: '' });
  }

  putVersion(prefix: string, key: string, version: bigint): this {
    return this.put(prefix, key, new Writer(8).u64(version).bytes());
  }

  erase(prefix: string, key: string): this {
    return this.account({ type: OP_ERASE, prefix, key, value: new Uint8Array(0), endKey: '' });
  }

  eraseRange(prefix: string, start: string, end: string): this {
    return this.account({ type: OP_ERASE_RANGE, prefix, key: start, value: new Uint8Array(0), endKey: end });
  }

  compactPrefix(prefix: string): this {
    return this.account({ type: OP_COMPACT, prefix, key: '', value: new Uint8Array(0), endKey: '' });
  }

  compactRange(prefix: string, start: string, end: string): this {
    return this.account({ type: OP_COMPACT, prefix, key: start, value: new Uint8Array(0), endKey: end });
  }

  /** Appends another transaction's ops and sums its counters, as Ceph's append() does. */
  append(other: Transaction): this {
    this.tx.ops.push(...other.ops);
    this.tx.bytes += other.bytes;
    this.tx.keys += other.keys;
    return this;
  }
}

/** One op as `ceph-monstore-tool dump-paxos` prints it (Transaction::dump field names). */
export function dumpOp(op: Op, opNum: number): Record<string, unknown> {
  const name = opTypeName(op.type);
  switch (name) {
    case 'PUT':
      return { op_num: opNum, type: name, prefix: op.prefix, key: op.key, length: op.value.length };
    case 'ERASE':
      return { op_num: opNum, type: name, prefix: op.prefix, key: op.key };
    case 'COMPACT':
    case 'ERASE_RANGE':
      return { op_num: opNum, type: name, prefix: op.prefix, start: op.key, end: op.endKey };
    default:
      return { op_num: opNum, type: 'unknown', op_code: op.type };
  }
}

/** A transaction as `ceph-monstore-tool dump-paxos` prints it. */
export function dumpTransaction(tx: Transaction): Record<string, unknown> {
  return {
    ops: tx.ops.map(dumpOp),
    num_keys: Number(tx.keys),
    num_bytes: Number(tx.bytes),
  };
}
