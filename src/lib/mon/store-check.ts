import { MonctlError } from '../errors.js';
import { PAXOS_PREFIX, SERVICES_WITHOUT_VERSION_VALUES, serviceInfo } from './paxos/keys.js';
import { readPaxosState, readServiceVersions, listServices } from './paxos/versions.js';
import { keyName } from '../store/keys.js';
import { MonStore } from '../store/mon-store.js';
import { transactionFromBytes } from '../store/transaction.js';

export interface Problem {
  /** Stable identifier of the kind of problem. */
  code: string;
  key?: string;
  message: string;
}

export interface CheckReport {
  problems: Problem[];
  checked: { paxos_versions: number; services: number; service_versions: number; values: number };
  /**
   * Prefixes with paxos bookkeeping (`last_committed`) that monctl does not know as a Ceph
   * 16–20 service: checked like any service with numbered versions.
   */
  unknown_services: string[];
}

/**
 * Checks a caller adds (lib/store cannot know every Ceph type): `decodeValue` throws a
 * MonctlError for a value that does not decode (or whose CRC fails); `extra` checks run on
 * the open store (the OSDMap history) and return their problems.
 */
export interface CheckOptions {
  decodeValue?: (prefix: string, key: string, value: Uint8Array) => void;
  extra?: Array<(store: MonStore) => Promise<Problem[]>>;
}

/** At most this many problems of one kind are listed one by one. */
const MAX_LISTED = 20;

async function checkVersionRange(store: MonStore, prefix: string, first: bigint, last: bigint, problems: Problem[]): Promise<number> {
  let missing = 0;
  let checked = 0;
  for (let v = first; v <= last && v > 0n; v++) {
    checked++;
    if ((await store.get(prefix, v.toString())) === undefined) {
      if (missing < MAX_LISTED) problems.push({ code: 'MISSING_VERSION', key: keyName(prefix, v.toString()), message: `version ${v} is missing (first_committed ${first}, last_committed ${last})` });
      missing++;
    }
  }
  if (missing > MAX_LISTED) problems.push({ code: 'MISSING_VERSION', key: prefix, message: `${missing - MAX_LISTED} more versions of ${prefix} are missing` });
  return checked;
}

async function checkPaxos(store: MonStore, problems: Problem[]): Promise<number> {
  const st = await readPaxosState(store);
  const first = st.first_committed ?? 0n;
  const last = st.last_committed ?? 0n;
  if (first > last) problems.push({ code: 'BAD_RANGE', key: keyName(PAXOS_PREFIX, 'first_committed'), message: `paxos first_committed ${first} > last_committed ${last}` });
  let checked = 0;
  for (let v = first; v <= last && v > 0n; v++) {
    checked++;
    const k = keyName(PAXOS_PREFIX, v.toString());
    const bytes = await store.get(PAXOS_PREFIX, v.toString());
    if (bytes === undefined) {
      problems.push({ code: 'MISSING_VERSION', key: k, message: `paxos version ${v} is missing (first_committed ${first}, last_committed ${last})` });
      continue;
    }
    try {
      transactionFromBytes(bytes, k);
    } catch (e) {
      if (!(e instanceof MonctlError)) throw e;
      problems.push({ code: 'UNDECODABLE', key: k, message: `paxos version ${v} does not decode: ${e.describe()}` });
    }
  }
  if (st.pending_v !== undefined && st.pending_v > last && (await store.get(PAXOS_PREFIX, st.pending_v.toString())) === undefined) {
    problems.push({ code: 'MISSING_PENDING', key: keyName(PAXOS_PREFIX, 'pending_v'), message: `pending_v ${st.pending_v} names a proposal that is not stored` });
  }
  return checked;
}

/**
 * What `monctl store check` looks for: every paxos version between first and last committed
 * present and decodable, every service's versions present (not for the services that keep
 * none: health, config; see PAXOS_SERVICES), full_latest pointing at a stored full version
 * no newer than last_committed, ranges in order, and bookkeeping values of the right size.
 * Services of every release 16–20 are known; a prefix with paxos bookkeeping monctl does
 * not know is checked as a service with numbered versions and listed in `unknown_services`.
 */
export async function checkStore(store: MonStore, opts: CheckOptions = {}): Promise<CheckReport> {
  const problems: Problem[] = [];
  for (const f of store.verifyFiles()) {
    const at = f.offset !== undefined && !f.message.includes(`offset ${f.offset}`) ? ` (offset ${f.offset})` : '';
    problems.push({ code: 'DAMAGED_FILE', key: f.file, message: `${f.message}${at}` });
  }
  const values = opts.decodeValue ? await checkValues(store, opts.decodeValue, problems) : 0;
  let paxosVersions = 0;
  try {
    paxosVersions = await checkPaxos(store, problems);
  } catch (e) {
    if (!(e instanceof MonctlError)) throw e;
    problems.push({ code: 'BAD_VALUE', key: e.key, message: e.describe() });
  }
  let services: string[] = [];
  try {
    services = await listServices(store);
  } catch (e) {
    if (!(e instanceof MonctlError)) throw e;
    problems.push({ code: 'BAD_VALUE', key: e.key, message: e.describe() });
  }
  let serviceVersions = 0;
  let present = 0;
  const unknown: string[] = [];
  for (const svc of services) {
    let sv;
    try {
      sv = await readServiceVersions(store, svc);
    } catch (e) {
      if (!(e instanceof MonctlError)) throw e;
      problems.push({ code: 'BAD_VALUE', key: e.key, message: e.describe() });
      continue;
    }
    if (sv.last_committed === 0n) continue;
    present++;
    if (!serviceInfo(svc)) unknown.push(svc);
    if (sv.first_committed > sv.last_committed) {
      problems.push({ code: 'BAD_RANGE', key: keyName(svc, 'first_committed'), message: `${svc} first_committed ${sv.first_committed} > last_committed ${sv.last_committed}` });
      continue;
    }
    try {
      if (!SERVICES_WITHOUT_VERSION_VALUES.has(svc)) serviceVersions += await checkVersionRange(store, svc, sv.first_committed, sv.last_committed, problems);
      if (sv.full_latest !== undefined && sv.full_latest > sv.last_committed) {
        problems.push({ code: 'BAD_RANGE', key: keyName(svc, 'full_latest'), message: `${svc} full_latest ${sv.full_latest} > last_committed ${sv.last_committed}` });
      }
      if (sv.full_latest !== undefined && sv.full_latest > 0n && (await store.get(svc, `full_${sv.full_latest}`)) === undefined) {
        problems.push({ code: 'DANGLING_FULL_LATEST', key: keyName(svc, 'full_latest'), message: `${svc} full_latest ${sv.full_latest} points to a missing full_${sv.full_latest}` });
      }
    } catch (e) {
      // A value the store cannot give back (a damaged block): reported, the check goes on.
      if (!(e instanceof MonctlError)) throw e;
      problems.push({ code: 'BAD_VALUE', key: e.key ?? svc, message: e.describe() });
    }
  }
  for (const check of opts.extra ?? []) problems.push(...(await check(store)));
  return { problems, checked: { paxos_versions: paxosVersions, services: present, service_versions: serviceVersions, values }, unknown_services: unknown };
}

/** Reads every value (a full scan) and decodes it; paxos versions are checkPaxos's. */
async function checkValues(store: MonStore, decode: NonNullable<CheckOptions['decodeValue']>, problems: Problem[]): Promise<number> {
  let n = 0;
  let bad = 0;
  try {
    for await (const chunk of store.chunks()) {
      for (const { prefix, key, value } of chunk) {
        n++;
        if (prefix === PAXOS_PREFIX) continue;
        try {
          decode(prefix, key, value);
        } catch (e) {
          if (!(e instanceof MonctlError)) throw e;
          if (bad++ < MAX_LISTED) problems.push({ code: 'UNDECODABLE', key: keyName(prefix, key), message: e.describe() });
        }
      }
    }
  } catch (e) {
    if (!(e instanceof MonctlError)) throw e;
    problems.push({ code: 'UNREADABLE', key: e.key, message: `reading every value stopped after ${n}: ${e.describe()}` });
  }
  if (bad > MAX_LISTED) problems.push({ code: 'UNDECODABLE', message: `${bad - MAX_LISTED} more values do not decode` });
  return n;
}

/** Errors that mean the store is there but damaged (not: no store, a locked one, too new). */
const DAMAGE_CODES = new Set(['STORE_OPEN_FAILED', 'IO_ERROR', 'DECODE_INVALID', 'DECODE_TRUNCATED', 'UNKNOWN_BACKEND', 'BACKEND_MISMATCH']);

/**
 * `store check` of the store at `path`: a store that cannot even be opened because it is
 * damaged (CURRENT, MANIFEST, a table, kv_backend, store.db) is one problem, not an error,
 * so a damaged store always ends in a report (and exit 1).
 */
export async function checkStoreAt(path: string | undefined, opts: CheckOptions = {}): Promise<CheckReport> {
  let store: MonStore;
  try {
    store = await MonStore.open(path);
  } catch (e) {
    if (!(e instanceof MonctlError) || !DAMAGE_CODES.has(e.code)) throw e;
    return {
      problems: [{ code: 'UNREADABLE_STORE', ...(e.key !== undefined ? { key: e.key } : {}), message: `${e.describe()}${e.actions.length > 0 ? ` → ${e.actions.join(' ')}` : ''}` }],
      checked: { paxos_versions: 0, services: 0, service_versions: 0, values: 0 },
      unknown_services: [],
    };
  }
  try {
    return await checkStore(store, opts);
  } finally {
    await store.close();
  }
}
