import type { MonStore } from '../../store/mon-store.js';
import { EMPTY_TRANSACTION_BYTES, OP_PUT, dumpTransaction, transactionFromBytes, type Transaction } from '../../store/transaction.js';
import { keyName } from '../../store/keys.js';
import { BASELINE_SERVICES, PAXOS_PREFIX, PAXOS_STATE_KEYS, serviceInfo, type PaxosStateKey } from './keys.js';

export type PaxosState = Partial<Record<PaxosStateKey, bigint>>;

export interface ServiceVersions {
  service: string;
  first_committed: bigint;
  last_committed: bigint;
  full_latest?: bigint;
}

/** The paxos bookkeeping keys that are present. */
export async function readPaxosState(store: MonStore): Promise<PaxosState> {
  const state: PaxosState = {};
  for (const k of PAXOS_STATE_KEYS) {
    const v = await store.getVersion(PAXOS_PREFIX, k);
    if (v !== undefined) state[k] = v;
  }
  return state;
}

/** first/last committed of one prefix; absent keys read as 0 (MonitorDBStore::get's rule). */
export async function readServiceVersions(store: MonStore, service: string): Promise<ServiceVersions> {
  const first = (await store.getVersion(service, 'first_committed')) ?? 0n;
  const last = (await store.getVersion(service, 'last_committed')) ?? 0n;
  const fullLatest = await store.getVersion(service, 'full_latest');
  return { service, first_committed: first, last_committed: last, ...(fullLatest !== undefined ? { full_latest: fullLatest } : {}) };
}

/**
 * Every prefix that keeps a `last_committed` key (paxos excluded), known to monctl or not,
 * plus the services every release since Pacific creates (BASELINE_SERVICES), so a Pacific
 * store lists the same services whatever it holds; newer services (nvmeofgw) appear when
 * the store has them.
 */
export async function listServices(store: MonStore): Promise<string[]> {
  const found = new Set<string>(BASELINE_SERVICES);
  const marker = '\0last_committed';
  for await (const keys of store.keyStrings()) {
    for (const raw of keys) if (raw.endsWith(marker) && raw.indexOf('\0') === raw.length - marker.length) found.add(raw.slice(0, -marker.length));
  }
  found.delete(PAXOS_PREFIX);
  return [...found].sort();
}

export async function readAllServiceVersions(store: MonStore): Promise<ServiceVersions[]> {
  const services = await listServices(store);
  const out: ServiceVersions[] = [await readServiceVersions(store, PAXOS_PREFIX)];
  for (const s of services) out.push(await readServiceVersions(store, s));
  return out;
}

/** The Transaction committed as paxos version v, or undefined when the key is absent. */
export async function readPaxosVersion(store: MonStore, v: bigint): Promise<Transaction | undefined> {
  const bytes = await store.get(PAXOS_PREFIX, v.toString());
  if (bytes === undefined) return undefined;
  return transactionFromBytes(bytes, keyName(PAXOS_PREFIX, v.toString()));
}

/**
 * A paxos version as `ceph-monstore-tool dump-paxos` prints it. The tool decodes each
 * version by appending it to a fresh transaction, whose counters start at 26 bytes, so its
 * `num_bytes` is the stored value + 26; this mirrors that, so the JSON can be diffed.
 */
export function dumpPaxosVersion(tx: Transaction): Record<string, unknown> {
  return { ...dumpTransaction(tx), num_bytes: Number(tx.bytes + EMPTY_TRANSACTION_BYTES) };
}

/** A service version a paxos transaction commits: a PUT of `<service>/last_committed`. */
export interface CommittedVersion {
  service: string;
  version: bigint;
  /** False for a prefix monctl does not know as a paxos service. */
  known: boolean;
}

/** The service versions one paxos version commits, in op order (`paxos show`). */
export function committedVersions(tx: Transaction): CommittedVersion[] {
  const out: CommittedVersion[] = [];
  for (const op of tx.ops) {
    if (op.type !== OP_PUT || op.key !== 'last_committed' || op.prefix === PAXOS_PREFIX || op.value.length !== 8) continue;
    const version = new DataView(op.value.buffer, op.value.byteOffset, 8).getBigUint64(0, true);
    out.push({ service: op.prefix, version, known: serviceInfo(op.prefix) !== undefined });
  }
  return out;
}
