/**
 * Service trims planned on a store: each service's history read from its keys, OSDMonitor's
 * own conditions for trimming osdmap, and `store trim`'s one batch over every service plus
 * paxos itself.
 */
import { Reader } from '../../encoding/index.js';
import { MonctlError } from '../../errors.js';
import { keyName, TransactionBuilder, type MonStore, type Transaction } from '../../store/index.js';
import { planPaxosTrim, type PaxosTrimPlan } from './trim.js';
import { listServices, readPaxosState, readServiceVersions } from './versions.js';
import { TRIMMABLE_SERVICES, planServiceTrim, serviceTrimTarget, type ServiceHistory, type ServiceTrimPlan, type ServiceTrimRequest } from './service-trim.js';

const OSDMAP = 'osdmap';

/** first/last committed, full_latest and which `full_<v>` keys exist (key scan, no values). */
export async function readServiceHistory(store: MonStore, service: string): Promise<ServiceHistory> {
  const sv = await readServiceVersions(store, service);
  const fulls = new Set<bigint>();
  // `full_` ends where `full` + the next byte after `_` begins.
  const gte = `${service}\0full_`;
  for await (const keys of store.keyStrings({ gte, lt: `${service}\0full\u0060` })) {
    for (const k of keys) {
      const v = k.slice(gte.length);
      if (/^(0|[1-9][0-9]*)$/.test(v)) fulls.add(BigInt(v));
    }
  }
  return { service, first: sv.first_committed, last: sv.last_committed, ...(sv.full_latest !== undefined ? { fullLatest: sv.full_latest } : {}), fulls };
}

/** creating_pgs_t's PG count: ENCODE_START(3, 1), u32 last_scan_epoch, then the pgs map. */
async function creatingPgCount(store: MonStore): Promise<number> {
  const bytes = await store.get('osd_pg_creating', 'creating');
  if (bytes === undefined) return 0;
  try {
    const r = new Reader(bytes);
    r.envelope('creating_pgs_t', 3);
    r.u32('creating_pgs_t last_scan_epoch');
    return r.u32('creating_pgs_t pgs count');
  } catch (e) {
    throw e instanceof MonctlError ? e.withKey(keyName('osd_pg_creating', 'creating')) : e;
  }
}

/**
 * OSDMonitor's trim, beyond the generic one: it does not trim while PGs are being created
 * (get_trim_to returns 0; forced here with --force), its encode_trim_extra re-puts the full
 * map of the new first epoch, which must therefore exist, and it updates the full-map prune
 * manifest (`osdmap_manifest`, past mon_osdmap_full_prune_min epochs), which monctl refuses
 * to touch.
 */
async function planOsdmapTrim(store: MonStore, h: ServiceHistory, end: bigint, req: ServiceTrimRequest): Promise<ServiceTrimPlan> {
  if ((await store.get(OSDMAP, 'osdmap_manifest')) !== undefined) {
    throw new MonctlError('BAD_ARGUMENT', 'this store prunes its full osdmaps (osdmap/osdmap_manifest): monctl does not trim pruned histories', {
      key: keyName(OSDMAP, 'osdmap_manifest'),
      actions: ['Let the monitor trim it: fix what blocks trimming (PGs not clean), or set mon_osd_force_trim_to.'],
    });
  }
  const creating = await creatingPgCount(store);
  if (creating > 0 && !req.force) {
    throw new MonctlError('BAD_ARGUMENT', `${creating} PGs are still being created (osd_pg_creating/creating): the monitor does not trim osdmap until they exist`, {
      key: keyName('osd_pg_creating', 'creating'),
      actions: ['Bring the OSDs up so the PGs get created, or pass --force if the cluster is being rebuilt anyway.'],
    });
  }
  const full = await store.get(OSDMAP, `full_${end}`);
  if (full === undefined) {
    throw new MonctlError('KEY_NOT_FOUND', `osdmap/full_${end} is missing: the new first epoch needs its full map`, {
      key: keyName(OSDMAP, `full_${end}`),
      actions: ['Check the history with `monctl osdmap verify`, or trim to an epoch whose full map is stored.'],
    });
  }
  return planServiceTrim(h, end, req, new TransactionBuilder().put(OSDMAP, `full_${end}`, full).tx);
}

/** One service's trim on the store, or undefined when nothing goes. */
export async function planStoreServiceTrim(store: MonStore, service: string, req: ServiceTrimRequest): Promise<ServiceTrimPlan | undefined> {
  const h = await readServiceHistory(store, service);
  const end = serviceTrimTarget(h, req);
  if (end === undefined) return undefined;
  return service === OSDMAP ? planOsdmapTrim(store, h, end, req) : planServiceTrim(h, end, req);
}

export interface StoreTrimPlan {
  services: ServiceTrimPlan[];
  paxos?: PaxosTrimPlan;
  /** Everything in one batch; undefined when nothing goes. */
  transaction?: Transaction;
}

/**
 * `store trim`: every service with numbered versions, then paxos (planPaxosTrim), in one
 * transaction. `keep` applies to each of them; without it each keeps what its monitor keeps.
 */
export async function planStoreTrim(store: MonStore, req: { keep?: bigint; force?: boolean }): Promise<StoreTrimPlan> {
  const services: ServiceTrimPlan[] = [];
  for (const svc of await listServices(store)) {
    if (!TRIMMABLE_SERVICES.has(svc)) continue;
    const plan = await planStoreServiceTrim(store, svc, req);
    if (plan) services.push(plan);
  }
  const st = await readPaxosState(store);
  const paxos = planPaxosTrim({ firstCommitted: st.first_committed ?? 0n, lastCommitted: st.last_committed ?? 0n, ...(req.keep !== undefined ? { keep: req.keep } : {}) });
  if (services.length === 0 && !paxos) return { services };
  const tx = new TransactionBuilder();
  for (const p of services) tx.append(p.transaction);
  if (paxos) tx.append(paxos.transaction);
  return { services, ...(paxos ? { paxos } : {}), transaction: tx.tx };
}
