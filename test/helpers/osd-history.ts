/**
 * A seeded random history of real `ceph osd …` commands against a live monitor of some release
 * (test/helpers/ceph-release.ts): OSDs created, placed in CRUSH, moved, reweighted, marked
 * out and in, removed; pools (replicated, erasure, cache tiers) created, changed, snapshotted,
 * deleted; upmaps, pg_temp, primary_temp, flags, group flags, blocklists, rules, device
 * classes, weight sets, tunables, ratios. Commands are chosen to be ones the monitor can take;
 * some are refused anyway (a refused command changes nothing and the history goes on).
 *
 * The generator keeps a model of the cluster (OSDs, CRUSH hierarchy, pools …): each accepted
 * command is simulated on it, and it is read back from the monitor (`osd dump`, `osd crush
 * dump`) every few steps. Commands that could trip a release's known aborts (see
 * CephRelease.downInSubtreeAssert) are simulated on a copy first and not sent when they would.
 * The same seed gives the same commands as long as the monitor answers the same way.
 */
import type { Prng } from '../../src/lib/random.js';
import type { CephRelease, ReleaseMon } from './ceph-release.js';

// ---- the model --------------------------------------------------------------------------------

export interface ModelOsd {
  /** Reweight, 0 = out. */
  weight: number;
  /** The NEW state bit (never booted, never marked in since created). */
  isNew: boolean;
  noout: boolean;
}

export interface ModelBucket {
  id: number;
  name: string;
  type: string;
  items: number[];
}

export interface ModelPool {
  id: number;
  name: string;
  erasure: boolean;
  size: number;
  minSize: number;
  pgNum: number;
  snaps: string[];
  nodelete: boolean;
}

export interface ClusterModel {
  epoch: number;
  maxOsd: number;
  poolMax: number;
  /** Existing OSDs. */
  osds: Map<number, ModelOsd>;
  /** CRUSH buckets, shadow (class) buckets left out. */
  buckets: Map<number, ModelBucket>;
  deviceClass: Map<number, string>;
  classes: Set<string>;
  /** rule name → id and type (1 replicated, 3 erasure). */
  rules: Map<string, { id: number; type: number }>;
  pools: Map<string, ModelPool>;
  profiles: Set<string>;
  flags: Set<string>;
  upmapItems: Set<string>;
  upmaps: Set<string>;
  /** PGs with a pg_upmap_primary entry (Reef+). */
  upmapPrimaries: Set<string>;
  pgTemp: Set<string>;
  primaryTemp: Set<string>;
  blocklist: Set<string>;
  rangeBlocklist: Set<string>;
  compatClient: string;
  /** choose_args keys: -1 (compat) and pool ids. */
  weightSets: Set<number>;
  /**
   * Buckets that some existing weight set (choose_args) has no entry for: those created after
   * the weight set was. Ceph 16.2.15's mon aborts (CrushWrapper::adjust_item_weight_in_bucket,
   * `ceph_assert(arg->weight_set_positions > 0)`) when an item is placed in one, so nothing is
   * ever put into them while the weight set lives.
   */
  noWeightSet: Set<number>;
  /** crush node / device class names with group flags set. */
  groupFlags: Set<string>;
}

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** The model from `ceph osd dump -f json` and `ceph osd crush dump -f json`. */
export function modelFromDumps(osdDump: Json, crushDump: Json): ClusterModel {
  const m: ClusterModel = {
    epoch: num(osdDump.epoch),
    maxOsd: num(osdDump.max_osd),
    poolMax: num(osdDump.pool_max),
    osds: new Map(),
    buckets: new Map(),
    deviceClass: new Map(),
    classes: new Set(),
    rules: new Map(),
    pools: new Map(),
    profiles: new Set(Object.keys((osdDump.erasure_code_profiles as Json | undefined) ?? {})),
    flags: new Set(String(osdDump.flags ?? '').split(',').filter(Boolean)),
    upmapItems: new Set(arr(osdDump.pg_upmap_items).map((e) => String(e.pgid))),
    upmaps: new Set(arr(osdDump.pg_upmap).map((e) => String(e.pgid))),
    upmapPrimaries: new Set(arr(osdDump.pg_upmap_primaries).map((e) => String(e.pgid))),
    pgTemp: new Set(arr(osdDump.pg_temp).map((e) => String(e.pgid))),
    primaryTemp: new Set(arr(osdDump.primary_temp).map((e) => String(e.pgid))),
    blocklist: new Set(Object.keys((osdDump.blocklist as Json | undefined) ?? (osdDump.blacklist as Json | undefined) ?? {})),
    rangeBlocklist: new Set(
      Object.keys((osdDump.range_blocklist as Json | undefined) ?? {}).map((k) => {
        // "cidr:10.1.2.0:0/24" → "10.1.2.0/24"
        const mm = /^cidr:(.*):\d+\/(\d+)$/.exec(k);
        return mm ? `${mm[1]}/${mm[2]}` : k;
      }),
    ),
    compatClient: String(osdDump.require_min_compat_client ?? 'luminous'),
    weightSets: new Set(Object.keys((crushDump.choose_args as Json | undefined) ?? {}).map(Number)),
    noWeightSet: bucketsMissingFromWeightSets(crushDump),
    groupFlags: new Set([
      ...Object.keys((osdDump.crush_node_flags as Json | undefined) ?? {}),
      ...Object.keys((osdDump.device_class_flags as Json | undefined) ?? {}),
    ]),
  };
  for (const o of arr(osdDump.osds)) {
    const state = (o.state as string[] | undefined) ?? [];
    if (!state.includes('exists')) continue;
    m.osds.set(num(o.osd), { weight: num(o.weight), isNew: state.includes('new'), noout: state.includes('noout') });
  }
  for (const p of arr(osdDump.pools)) {
    m.pools.set(String(p.pool_name), {
      id: num(p.pool),
      name: String(p.pool_name),
      erasure: num(p.type) === 3,
      size: num(p.size),
      minSize: num(p.min_size),
      pgNum: num(p.pg_num),
      snaps: arr(p.pool_snaps).map((s) => String(s.name)),
      nodelete: String(p.flags_names ?? '').split(',').includes('nodelete'),
    });
  }
  for (const b of arr(crushDump.buckets)) {
    const name = String(b.name);
    if (name.includes('~')) continue;
    m.buckets.set(num(b.id), { id: num(b.id), name, type: String(b.type_name), items: arr(b.items).map((i) => num(i.id)) });
  }
  for (const d of arr(crushDump.devices)) {
    if (typeof d.class === 'string') {
      m.deviceClass.set(num(d.id), d.class);
      m.classes.add(d.class);
    }
  }
  for (const r of arr(crushDump.rules)) m.rules.set(String(r.rule_name), { id: num(r.rule_id), type: num(r.type) });
  return m;
}

/** The buckets (ids) that at least one choose_args set of `ceph osd crush dump` lacks. */
function bucketsMissingFromWeightSets(crushDump: Json): Set<number> {
  const missing = new Set<number>();
  const sets = Object.values((crushDump.choose_args as Record<string, unknown> | undefined) ?? {});
  if (sets.length === 0) return missing;
  for (const b of arr(crushDump.buckets)) {
    const id = num(b.id);
    for (const set of sets) {
      const entry = arr(set).find((e) => num(e.bucket_id) === id);
      if (!entry || arr(entry.weight_set).length === 0) missing.add(id);
    }
  }
  return missing;
}

export function cloneModel(m: ClusterModel): ClusterModel {
  return {
    ...m,
    osds: new Map([...m.osds].map(([k, v]) => [k, { ...v }])),
    buckets: new Map([...m.buckets].map(([k, v]) => [k, { ...v, items: [...v.items] }])),
    deviceClass: new Map(m.deviceClass),
    classes: new Set(m.classes),
    rules: new Map(m.rules),
    pools: new Map([...m.pools].map(([k, v]) => [k, { ...v, snaps: [...v.snaps] }])),
    profiles: new Set(m.profiles),
    flags: new Set(m.flags),
    upmapItems: new Set(m.upmapItems),
    upmaps: new Set(m.upmaps),
    upmapPrimaries: new Set(m.upmapPrimaries),
    pgTemp: new Set(m.pgTemp),
    primaryTemp: new Set(m.primaryTemp),
    blocklist: new Set(m.blocklist),
    rangeBlocklist: new Set(m.rangeBlocklist),
    weightSets: new Set(m.weightSets),
    noWeightSet: new Set(m.noWeightSet),
    groupFlags: new Set(m.groupFlags),
  };
}

// ---- CRUSH topology helpers -------------------------------------------------------------------

export function parentsOf(m: ClusterModel, item: number): ModelBucket[] {
  return [...m.buckets.values()].filter((b) => b.items.includes(item));
}

export function inCrush(m: ClusterModel, item: number): boolean {
  return parentsOf(m, item).length > 0;
}

/** Every bucket with no parent reachable upwards from `item` (all parents, not only the first). */
function rootsAbove(m: ClusterModel, item: number): Set<number> {
  const roots = new Set<number>();
  const seen = new Set<number>();
  const walk = (id: number): void => {
    const parents = parentsOf(m, id);
    if (parents.length === 0 && id < 0) roots.add(id);
    for (const p of parents) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      walk(p.id);
    }
  };
  walk(item);
  return roots;
}

function devicesUnder(m: ClusterModel, bucket: number, out = new Set<number>(), seen = new Set<number>()): Set<number> {
  if (seen.has(bucket)) return out;
  seen.add(bucket);
  for (const i of m.buckets.get(bucket)?.items ?? []) {
    if (i >= 0) out.add(i);
    else devicesUnder(m, i, out, seen);
  }
  return out;
}

/**
 * True when the state would trip Pacific's check_health assert (see
 * CephRelease.downInSubtreeAssert; every OSD is down here, no daemon runs): an in, non-NEW OSD
 * whose CRUSH root also holds an in NEW OSD.
 */
export function downInAssertTrips(m: ClusterModel): boolean {
  const inNew = (id: number): boolean => {
    const o = m.osds.get(id);
    return o !== undefined && o.weight > 0 && o.isNew;
  };
  for (const [id, o] of m.osds) {
    if (o.weight <= 0 || o.isNew) continue;
    for (const root of rootsAbove(m, id)) for (const d of devicesUnder(m, root)) if (inNew(d)) return true;
  }
  return false;
}

// ---- command simulation -----------------------------------------------------------------------

function removeEverywhere(m: ClusterModel, item: number): void {
  for (const b of m.buckets.values()) b.items = b.items.filter((i) => i !== item);
}

function bucketByName(m: ClusterModel, name: string): ModelBucket | undefined {
  return [...m.buckets.values()].find((b) => b.name === name);
}

const osdArg = (s: string): number => Number(s.replace(/^osd\./, ''));

/** The location argument's bucket (`host=h1` → h1's bucket). */
function locBucket(m: ClusterModel, loc: string | undefined): ModelBucket | undefined {
  return loc === undefined ? undefined : bucketByName(m, loc.slice(loc.indexOf('=') + 1));
}

let fakeBucketId = -100_000;

/**
 * What a command does to the model when the monitor takes it: exactly for what the abort check
 * and the next commands' arguments rely on (OSD existence, weights, NEW, CRUSH membership, pool
 * ids and names …), loosely for the rest; the periodic read-back corrects any drift. Link-like
 * moves keep the old parents too: the abort check then sees more, never less, than the
 * monitor will.
 */
export function simulate(m: ClusterModel, args: readonly string[]): void {
  if (args[0] !== 'osd') return;
  const [, a1, a2, a3, a4, a5] = args;
  const pool = (name: string | undefined) => (name === undefined ? undefined : m.pools.get(name));
  switch (a1) {
    case 'create': {
      let id = 0;
      while (id < m.maxOsd && m.osds.has(id)) id++;
      m.osds.set(id, { weight: 1, isNew: true, noout: false });
      m.maxOsd = Math.max(m.maxOsd, id + 1);
      return;
    }
    case 'rm':
      m.osds.delete(Number(a2));
      return;
    case 'out': {
      const o = m.osds.get(Number(a2));
      if (o) o.weight = 0;
      return;
    }
    case 'in': {
      const o = m.osds.get(Number(a2));
      if (o && o.weight === 0) Object.assign(o, { weight: 1, isNew: false });
      return;
    }
    case 'reweight': {
      const o = m.osds.get(Number(a2));
      const w = Number(a3);
      if (o) Object.assign(o, w > 0 ? { weight: w, isNew: false } : { weight: 0 });
      return;
    }
    case 'setmaxosd':
      m.maxOsd = Number(a2);
      return;
    case 'set':
    case 'unset': {
      const names = a2 === 'pause' ? ['pauserd', 'pausewr'] : [a2!];
      for (const n of names) (a1 === 'set' ? m.flags.add(n) : m.flags.delete(n));
      return;
    }
    case 'pg-upmap-items':
      m.upmapItems.add(a2!);
      return;
    case 'rm-pg-upmap-items':
      m.upmapItems.delete(a2!);
      return;
    case 'pg-upmap':
      m.upmaps.add(a2!);
      return;
    case 'rm-pg-upmap':
      m.upmaps.delete(a2!);
      return;
    case 'pg-upmap-primary':
      m.upmapPrimaries.add(a2!);
      return;
    case 'rm-pg-upmap-primary':
      m.upmapPrimaries.delete(a2!);
      return;
    case 'rm-pg-upmap-primary-all':
      m.upmapPrimaries.clear();
      return;
    case 'pg-temp':
      if (args.length > 3) m.pgTemp.add(a2!);
      else m.pgTemp.delete(a2!);
      return;
    case 'primary-temp':
      if (a3 === '-1') m.primaryTemp.delete(a2!);
      else m.primaryTemp.add(a2!);
      return;
    case 'blocklist':
    case 'blacklist':
      if (a2 === 'range') (a3 === 'add' ? m.rangeBlocklist.add(a4!) : m.rangeBlocklist.delete(a4!));
      else if (a2 === 'add') m.blocklist.add(a3!);
      else m.blocklist.delete(a3!);
      return;
    case 'set-require-min-compat-client':
      m.compatClient = a2!;
      return;
    case 'erasure-code-profile':
      if (a2 === 'set') m.profiles.add(a3!);
      else m.profiles.delete(a3!);
      return;
    case 'pool':
      switch (a2) {
        case 'create': {
          const erasure = args[6] === 'erasure';
          m.pools.set(a3!, { id: ++m.poolMax, name: a3!, erasure, size: erasure ? 3 : 3, minSize: 2, pgNum: Number(a4), snaps: [], nodelete: false });
          return;
        }
        case 'delete':
          m.pools.delete(a3!);
          return;
        case 'rename': {
          const p = pool(a3);
          if (p) {
            m.pools.delete(a3!);
            m.pools.set(a4!, { ...p, name: a4! });
          }
          return;
        }
        case 'mksnap':
          pool(a3)?.snaps.push(a4!);
          return;
        case 'rmsnap': {
          const p = pool(a3);
          if (p) p.snaps = p.snaps.filter((x) => x !== a4);
          return;
        }
        case 'set': {
          const p = pool(a3);
          if (p && a4 === 'size') p.size = Number(a5);
          if (p && a4 === 'min_size') p.minSize = Number(a5);
          if (p && a4 === 'nodelete') p.nodelete = a5 === 'true';
          return;
        }
      }
      return;
    case 'crush':
      break;
    default:
      return;
  }
  switch (a2) {
    case 'add-bucket': {
      const id = fakeBucketId--;
      m.buckets.set(id, { id, name: a3!, type: a4!, items: [] });
      if (m.weightSets.size > 0) m.noWeightSet.add(id);
      const to = locBucket(m, a5);
      if (to) to.items.push(id);
      return;
    }
    case 'add':
    case 'link': {
      const item = a2 === 'add' ? osdArg(a3!) : bucketByName(m, a3!)?.id;
      const to = locBucket(m, a2 === 'add' ? a5 : a4);
      if (item !== undefined && to && !to.items.includes(item)) to.items.push(item);
      return;
    }
    case 'set':
    case 'move': {
      const item = a3!.startsWith('osd.') ? osdArg(a3!) : bucketByName(m, a3!)?.id;
      const to = locBucket(m, a2 === 'set' ? a5 : a4);
      if (item !== undefined && to && !to.items.includes(item)) to.items.push(item);
      return;
    }
    case 'rm':
    case 'unlink': {
      if (a3!.startsWith('osd.')) {
        const id = osdArg(a3!);
        if (a2 === 'rm' || a4 === undefined) removeEverywhere(m, id);
        else {
          const from = bucketByName(m, a4);
          if (from) from.items = from.items.filter((i) => i !== id);
        }
      } else {
        const b = bucketByName(m, a3!);
        if (b && b.items.length === 0 && a2 === 'rm') {
          removeEverywhere(m, b.id);
          m.buckets.delete(b.id);
        }
      }
      return;
    }
    case 'rename-bucket': {
      const b = bucketByName(m, a3!);
      if (b) b.name = a4!;
      return;
    }
    case 'set-device-class':
      m.deviceClass.set(osdArg(a4!), a3!);
      m.classes.add(a3!);
      return;
    case 'rm-device-class':
      m.deviceClass.delete(osdArg(a3!));
      return;
    case 'class':
      if (a3 === 'rm') m.classes.delete(a4!);
      else if (a3 === 'rename') {
        m.classes.delete(a4!);
        m.classes.add(a5!);
        for (const [id, c] of m.deviceClass) if (c === a4) m.deviceClass.set(id, a5!);
      }
      return;
    case 'rule':
      if (a3 === 'rm') m.rules.delete(a4!);
      else m.rules.set(a4!, { id: -1, type: a3 === 'create-erasure' ? 3 : 1 });
      return;
    case 'weight-set': {
      const key = a3 === 'create-compat' || a3 === 'rm-compat' || a3 === 'reweight-compat' ? -1 : pool(a4)?.id;
      if (key === undefined) return;
      if (a3 === 'create-compat' || a3 === 'create') m.weightSets.add(key);
      if (a3 === 'rm-compat' || a3 === 'rm') m.weightSets.delete(key);
      if (m.weightSets.size === 0) m.noWeightSet.clear();
      return;
    }
  }
}

// ---- the generator ----------------------------------------------------------------------------

export interface GeneratedCommand {
  args: string[];
  /** The command changes OSD existence, weights or the CRUSH hierarchy (abort check applies). */
  risky: boolean;
}

interface Op {
  name: string;
  /** Changes OSD existence, weights or the CRUSH hierarchy: simulated and checked before it is sent. */
  risky?: boolean;
  /** 0: never picked (a release without the command gets the same draws as before it existed). */
  weight(m: ClusterModel, g: Gen): number;
  make(m: ClusterModel, g: Gen): string[] | undefined;
}

/** Generator state: the PRNG, the release and counters for fresh names. */
export class Gen {
  private counters = new Map<string, number>();
  constructor(
    readonly rng: Prng,
    readonly release: CephRelease,
  ) {}
  fresh(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return `${prefix}${n}`;
  }
  pick<T>(xs: Iterable<T>): T | undefined {
    const list = [...xs];
    return list.length === 0 ? undefined : this.rng.pick(list);
  }
  chance(p: number): boolean {
    return this.rng.chance(p);
  }
  int(lo: number, hi: number): number {
    return this.rng.int(lo, hi);
  }
  weight(): string {
    return this.rng.pick(['0', '0.25', '0.5', '0.8', '1', '1.5', '2']);
  }
}

const FLAGS = ['noout', 'noin', 'noup', 'nodown', 'noscrub', 'nodeep-scrub', 'norebalance', 'nobackfill', 'norecover', 'pause', 'notieragent', 'nosnaptrim'];
const CLASSES = ['ssd', 'hdd', 'nvme', 'fast'];

const osdIds = (m: ClusterModel, f: (id: number, o: ModelOsd) => boolean = () => true): number[] =>
  [...m.osds].filter(([id, o]) => f(id, o)).map(([id]) => id);
const bucketsOfType = (m: ClusterModel, type: string): ModelBucket[] => [...m.buckets.values()].filter((b) => b.type === type);
/** Buckets of a type that an item may be placed in (see ClusterModel.noWeightSet). */
const targetsOfType = (m: ClusterModel, type: string): ModelBucket[] => bucketsOfType(m, type).filter((b) => !m.noWeightSet.has(b.id));
const crushDevices = (m: ClusterModel): number[] => [...new Set([...m.buckets.values()].flatMap((b) => b.items.filter((i) => i >= 0)))];

/** Mostly, raise clients to reef first: the upmap-primary commands are refused below it. */
const reefClientsFirst = (m: ClusterModel, g: Gen): string[] | undefined =>
  !/reef|squid|tentacle/.test(m.compatClient) && g.chance(0.7) ? ['osd', 'set-require-min-compat-client', 'reef'] : undefined;
const replicatedPools = (m: ClusterModel): ModelPool[] => [...m.pools.values()].filter((p) => !p.erasure && p.pgNum > 0);
const hasReplicatedPg = (m: ClusterModel): boolean => replicatedPools(m).length > 0;

/** A PG of a replicated pool (pg_upmap_primary is for those only). */
function replicatedPg(m: ClusterModel, g: Gen): string | undefined {
  const pools = replicatedPools(m);
  if (pools.length === 0) return undefined;
  const pool = g.pick(pools)!;
  return `${pool.id}.${g.int(0, pool.pgNum - 1).toString(16)}`;
}

function pgid(m: ClusterModel, g: Gen): { pool: ModelPool; pg: string } | undefined {
  const pool = g.pick(m.pools.values());
  if (!pool || pool.pgNum < 1) return undefined;
  return { pool, pg: `${pool.id}.${g.int(0, pool.pgNum - 1).toString(16)}` };
}

const OPS: Op[] = [
  // OSDs
  { name: 'osd create', risky: true, weight: (m) => (m.osds.size < 4 ? 12 : m.osds.size < 12 ? 2.5 : 0.3), make: () => ['osd', 'create'] },
  {
    name: 'osd rm',
    risky: true,
    weight: (m) => (m.osds.size > 3 ? 1.2 : 0),
    make: (m, g) => {
      // Mostly OSDs already taken out of CRUSH, as an operator would.
      const outside = osdIds(m, (id) => !inCrush(m, id));
      const id = g.chance(0.8) && outside.length > 0 ? g.pick(outside) : g.pick(m.osds.keys());
      return id === undefined ? undefined : ['osd', 'rm', String(id)];
    },
  },
  {
    name: 'osd out',
    risky: true,
    weight: (m) => (osdIds(m, (_, o) => o.weight > 0).length > 0 ? 3 : 0),
    make: (m, g) => {
      const fresh = osdIds(m, (_, o) => o.weight > 0 && o.isNew);
      const id = g.chance(0.6) && fresh.length > 0 ? g.pick(fresh) : g.pick(osdIds(m, (_, o) => o.weight > 0));
      return id === undefined ? undefined : ['osd', 'out', String(id)];
    },
  },
  {
    name: 'osd in',
    risky: true,
    weight: (m) => (osdIds(m, (_, o) => o.weight === 0).length > 0 ? 3 : 0),
    make: (m, g) => {
      const id = g.pick(osdIds(m, (_, o) => o.weight === 0));
      return id === undefined ? undefined : ['osd', 'in', String(id)];
    },
  },
  {
    name: 'osd reweight',
    risky: true,
    weight: (m) => (m.osds.size > 0 ? 1.5 : 0),
    make: (m, g) => {
      const id = g.pick(m.osds.keys());
      return id === undefined ? undefined : ['osd', 'reweight', String(id), g.rng.pick(['0', '0.3', '0.75', '1'])];
    },
  },
  { name: 'osd down', weight: (m) => (m.osds.size > 0 ? 0.2 : 0), make: (m, g) => ['osd', 'down', String(g.pick(m.osds.keys()))] },
  {
    name: 'osd primary-affinity',
    weight: (m) => (m.osds.size > 0 ? 1 : 0),
    make: (m, g) => ['osd', 'primary-affinity', `osd.${g.pick(m.osds.keys())}`, g.rng.pick(['0', '0.25', '0.5', '1'])],
  },
  { name: 'osd lost', weight: (m) => (m.osds.size > 0 ? 0.2 : 0), make: (m, g) => ['osd', 'lost', String(g.pick(m.osds.keys())), '--yes-i-really-mean-it'] },
  {
    name: 'osd setmaxosd',
    risky: true,
    weight: () => 0.25,
    make: (m, g) => {
      const top = Math.max(-1, ...m.osds.keys()) + 1;
      return ['osd', 'setmaxosd', String(g.chance(0.5) ? top : m.maxOsd + g.int(1, 3))];
    },
  },
  {
    name: 'osd add-noout/noin',
    weight: (m) => (m.osds.size > 0 ? 0.6 : 0),
    make: (m, g) => {
      const flag = g.rng.pick(['noout', 'noin', 'noup', 'nodown']);
      return ['osd', `${g.chance(0.6) ? 'add' : 'rm'}-${flag}`, `osd.${g.pick(m.osds.keys())}`];
    },
  },

  // CRUSH hierarchy
  {
    name: 'crush add-bucket',
    risky: true,
    weight: (m) => (bucketsOfType(m, 'host').length < 2 ? 6 : bucketsOfType(m, 'host').length < 6 ? 1 : 0.2),
    make: (m, g) => {
      const type = g.chance(0.75) ? 'host' : g.chance(0.7) ? 'rack' : 'root';
      const name = g.fresh(type === 'host' ? 'h' : type === 'rack' ? 'rack' : 'root');
      // Usually placed at once (`add-bucket NAME TYPE root=default`), sometimes left alone.
      if (type !== 'root' && g.chance(0.4) && targetsOfType(m, 'root').some((b) => b.name === 'default')) return ['osd', 'crush', 'add-bucket', name, type, 'root=default'];
      return ['osd', 'crush', 'add-bucket', name, type];
    },
  },
  {
    name: 'crush move',
    risky: true,
    weight: (m) => ([...m.buckets.values()].some((b) => b.type !== 'root' && parentsOf(m, b.id).length === 0) ? 4 : 1),
    make: (m, g) => {
      const loose = [...m.buckets.values()].filter((b) => b.type !== 'root' && parentsOf(m, b.id).length === 0);
      const b = g.chance(0.7) && loose.length > 0 ? g.pick(loose) : g.pick([...m.buckets.values()].filter((x) => x.type !== 'root'));
      if (!b) return undefined;
      const targets = b.type === 'host' ? [...targetsOfType(m, 'rack'), ...targetsOfType(m, 'root')] : targetsOfType(m, 'root');
      const to = g.pick(targets);
      return to ? ['osd', 'crush', 'move', b.name, `${to.type}=${to.name}`] : undefined;
    },
  },
  {
    name: 'crush link',
    risky: true,
    weight: () => 0.2,
    make: (m, g) => {
      const b = g.pick(bucketsOfType(m, 'host'));
      const to = g.pick(targetsOfType(m, 'root'));
      return b && to ? ['osd', 'crush', 'link', b.name, `root=${to.name}`] : undefined;
    },
  },
  {
    name: 'crush add osd',
    risky: true,
    weight: (m) => (osdIds(m, (id) => !inCrush(m, id)).length > 0 && targetsOfType(m, 'host').length > 0 ? 5 : 0),
    make: (m, g) => {
      const id = g.pick(osdIds(m, (i) => !inCrush(m, i)));
      const h = g.pick(targetsOfType(m, 'host'));
      return id !== undefined && h ? ['osd', 'crush', 'add', `osd.${id}`, g.weight(), `host=${h.name}`] : undefined;
    },
  },
  {
    name: 'crush set osd',
    risky: true,
    weight: (m) => (crushDevices(m).length > 0 ? 0.6 : 0),
    make: (m, g) => {
      const id = g.pick(crushDevices(m).filter((i) => m.osds.has(i)));
      const h = g.pick(targetsOfType(m, 'host'));
      return id !== undefined && h ? ['osd', 'crush', 'set', `osd.${id}`, g.weight(), `host=${h.name}`] : undefined;
    },
  },
  {
    name: 'crush reweight',
    weight: (m) => (crushDevices(m).length > 0 ? 1.5 : 0),
    make: (m, g) => ['osd', 'crush', 'reweight', `osd.${g.pick(crushDevices(m))}`, g.weight()],
  },
  {
    name: 'crush reweight-subtree',
    weight: (m) => (bucketsOfType(m, 'host').length > 0 ? 0.3 : 0),
    make: (m, g) => ['osd', 'crush', 'reweight-subtree', g.pick(bucketsOfType(m, 'host'))!.name, g.weight()],
  },
  {
    name: 'crush rm osd',
    risky: true,
    weight: (m) => (crushDevices(m).length > 0 ? 2 : 0),
    make: (m, g) => {
      const devices = crushDevices(m);
      // Often the highest device: what leaves max_devices stale in the encoder's CrushWrapper.
      const id = g.chance(0.5) ? Math.max(...devices) : g.pick(devices);
      return id === undefined ? undefined : ['osd', 'crush', 'rm', `osd.${id}`];
    },
  },
  {
    name: 'crush unlink osd',
    risky: true,
    weight: (m) => (crushDevices(m).length > 0 ? 0.4 : 0),
    make: (m, g) => {
      const id = g.pick(crushDevices(m));
      const from = id === undefined ? undefined : g.pick(parentsOf(m, id));
      return from ? ['osd', 'crush', 'unlink', `osd.${id}`, from.name] : undefined;
    },
  },
  {
    name: 'crush rm bucket',
    risky: true,
    weight: (m) => ([...m.buckets.values()].some((b) => b.items.length === 0 && b.name !== 'default') ? 0.8 : 0),
    make: (m, g) => {
      const b = g.pick([...m.buckets.values()].filter((x) => x.items.length === 0 && x.name !== 'default'));
      return b ? ['osd', 'crush', 'rm', b.name] : undefined;
    },
  },
  {
    name: 'crush rename-bucket',
    risky: true,
    weight: (m) => (bucketsOfType(m, 'host').length > 0 ? 0.2 : 0),
    make: (m, g) => ['osd', 'crush', 'rename-bucket', g.pick(bucketsOfType(m, 'host'))!.name, g.fresh('hr')],
  },

  // CRUSH classes, rules, weight sets, tunables
  {
    name: 'crush set-device-class',
    weight: (m) => (crushDevices(m).length > 0 ? 0.8 : 0),
    make: (m, g) => {
      const id = g.pick(crushDevices(m).filter((i) => m.osds.has(i)));
      return id === undefined ? undefined : ['osd', 'crush', 'set-device-class', g.rng.pick(CLASSES), `osd.${id}`];
    },
  },
  {
    name: 'crush rm-device-class',
    weight: (m) => (m.deviceClass.size > 0 ? 0.6 : 0),
    make: (m, g) => ['osd', 'crush', 'rm-device-class', `osd.${g.pick(m.deviceClass.keys())}`],
  },
  {
    name: 'crush class rename/rm',
    weight: (m) => (m.classes.size > 0 ? 0.3 : 0),
    make: (m, g) => {
      const c = g.pick(m.classes)!;
      return g.chance(0.5) ? ['osd', 'crush', 'class', 'rename', c, g.rng.pick(CLASSES)] : ['osd', 'crush', 'class', 'rm', c];
    },
  },
  {
    name: 'crush rule create-replicated',
    weight: (m) => (m.rules.size < 6 ? 0.6 : 0.1),
    make: (m, g) => {
      const root = g.pick(bucketsOfType(m, 'root'));
      if (!root) return undefined;
      const args = ['osd', 'crush', 'rule', 'create-replicated', g.fresh('rule'), root.name, g.rng.pick(['host', 'osd', 'rack'])];
      if (m.classes.size > 0 && g.chance(0.4)) args.push(g.pick(m.classes)!);
      return args;
    },
  },
  {
    name: 'crush rule create-erasure',
    weight: (m) => (m.profiles.size > 0 ? 0.2 : 0),
    make: (m, g) => ['osd', 'crush', 'rule', 'create-erasure', g.fresh('ecrule'), g.pick(m.profiles)!],
  },
  {
    name: 'crush rule rm',
    weight: (m) => (m.rules.size > 1 ? 0.3 : 0),
    make: (m, g) => ['osd', 'crush', 'rule', 'rm', g.pick([...m.rules.keys()].filter((r) => r !== 'replicated_rule'))!],
  },
  {
    name: 'crush weight-set compat',
    weight: () => 0.6,
    make: (m, g) => {
      if (!m.weightSets.has(-1)) return ['osd', 'crush', 'weight-set', 'create-compat'];
      const devices = crushDevices(m);
      if (devices.length > 0 && g.chance(0.75)) return ['osd', 'crush', 'weight-set', 'reweight-compat', `osd.${g.pick(devices)}`, g.weight()];
      return ['osd', 'crush', 'weight-set', 'rm-compat'];
    },
  },
  {
    name: 'crush weight-set pool',
    weight: (m) => (m.pools.size > 0 ? 0.3 : 0),
    make: (m, g) => {
      const p = g.pick(m.pools.values())!;
      if (!m.weightSets.has(p.id)) return ['osd', 'crush', 'weight-set', 'create', p.name, g.rng.pick(['flat', 'positional'])];
      const devices = crushDevices(m);
      if (devices.length > 0 && g.chance(0.6)) return ['osd', 'crush', 'weight-set', 'reweight', p.name, `osd.${g.pick(devices)}`, g.weight()];
      return ['osd', 'crush', 'weight-set', 'rm', p.name];
    },
  },
  {
    name: 'crush tunables',
    weight: () => 0.3,
    make: (_, g) =>
      g.chance(0.7)
        ? ['osd', 'crush', 'tunables', g.rng.pick(['firefly', 'hammer', 'jewel', 'optimal', 'default'])]
        : ['osd', 'crush', 'set-tunable', 'straw_calc_version', g.rng.pick(['0', '1'])],
  },

  // Pools
  {
    name: 'pool create replicated',
    weight: (m) => (m.pools.size < 2 ? 3 : m.pools.size < 6 ? 0.8 : 0.1),
    make: (m, g) => {
      const pg = String(g.rng.pick([1, 4, 8, 16, 32]));
      const args = ['osd', 'pool', 'create', g.fresh('p'), pg, pg, 'replicated'];
      const rules = [...m.rules].filter(([, r]) => r.type === 1).map(([n]) => n);
      if (rules.length > 0 && g.chance(0.3)) args.push(g.pick(rules)!);
      return args;
    },
  },
  {
    name: 'pool create erasure',
    weight: (m) => (m.profiles.size > 0 && m.pools.size < 8 ? 0.6 : 0),
    make: (m, g) => {
      const pg = String(g.rng.pick([4, 8, 16]));
      return ['osd', 'pool', 'create', g.fresh('ec'), pg, pg, 'erasure', g.pick(m.profiles)!];
    },
  },
  {
    name: 'pool delete',
    weight: (m) => (m.pools.size > 1 ? 0.5 : 0),
    make: (m, g) => {
      const p = g.pick(m.pools.keys())!;
      return ['osd', 'pool', 'delete', p, p, '--yes-i-really-really-mean-it'];
    },
  },
  {
    name: 'pool set',
    weight: (m) => (m.pools.size > 0 ? 2.5 : 0),
    make: (m, g) => {
      const p = g.pick(m.pools.values())!;
      const key = g.rng.pick([
        'size', 'min_size', 'pg_num', 'pgp_num', 'crush_rule', 'nodelete', 'nosizechange', 'noscrub', 'hashpspool', 'target_max_objects',
        'compression_mode', 'compression_algorithm', 'compression_required_ratio', 'csum_type', 'target_size_ratio', 'pg_autoscale_mode',
        'deep_scrub_interval', 'fast_read', 'hit_set_type', 'hit_set_count', 'hit_set_period',
      ]);
      switch (key) {
        case 'size':
          return ['osd', 'pool', 'set', p.name, key, String(g.int(2, 4))];
        case 'min_size':
          return ['osd', 'pool', 'set', p.name, key, String(g.int(1, Math.max(1, p.size)))];
        case 'pg_num':
        case 'pgp_num':
          return ['osd', 'pool', 'set', p.name, key, String(g.rng.pick([4, 8, 16, 32]))];
        case 'crush_rule': {
          const rule = g.pick([...m.rules].filter(([, r]) => r.type === (p.erasure ? 3 : 1)).map(([n]) => n));
          return rule ? ['osd', 'pool', 'set', p.name, key, rule] : undefined;
        }
        case 'target_max_objects':
          return ['osd', 'pool', 'set', p.name, key, String(g.int(0, 1000))];
        case 'compression_mode':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['none', 'passive', 'aggressive'])];
        case 'compression_algorithm':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['snappy', 'zlib', 'zstd', 'lz4'])];
        case 'compression_required_ratio':
        case 'target_size_ratio':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['0', '0.2', '0.875', '1'])];
        case 'csum_type':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['crc32c', 'xxhash64', 'none'])];
        case 'pg_autoscale_mode':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['off', 'warn', 'on'])];
        case 'deep_scrub_interval':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['0', '3600', '604800.5'])];
        case 'hit_set_type':
          return ['osd', 'pool', 'set', p.name, key, g.rng.pick(['bloom', 'explicit_hash', 'explicit_object'])];
        case 'hit_set_count':
        case 'hit_set_period':
          return ['osd', 'pool', 'set', p.name, key, String(g.int(0, 3600))];
        case 'hashpspool':
          return ['osd', 'pool', 'set', p.name, key, g.chance(0.5) ? 'true' : 'false', '--yes-i-really-mean-it'];
        default:
          return ['osd', 'pool', 'set', p.name, key, g.chance(0.5) ? 'true' : 'false'];
      }
    },
  },
  {
    name: 'pool application set/rm',
    weight: (m) => (m.pools.size > 0 ? 0.3 : 0),
    make: (m, g) => {
      const p = g.pick(m.pools.keys())!;
      return g.chance(0.7)
        ? ['osd', 'pool', 'application', 'set', p, 'rbd', g.rng.pick(['k1', 'k2']), g.fresh('v')]
        : ['osd', 'pool', 'application', 'rm', p, 'rbd', g.rng.pick(['k1', 'k2'])];
    },
  },
  {
    name: 'cache tier',
    weight: (m) => (m.pools.size > 1 ? 0.5 : 0),
    make: (m, g) => {
      const [base, cache] = [...m.pools.keys()].sort(() => g.rng.next() - 0.5);
      switch (g.int(0, 4)) {
        case 0:
          return ['osd', 'tier', 'add', base!, cache!, '--force-nonempty'];
        case 1:
          return ['osd', 'tier', 'cache-mode', cache!, g.rng.pick(['writeback', 'readproxy', 'none']), '--yes-i-really-mean-it'];
        case 2:
          return ['osd', 'tier', 'set-overlay', base!, cache!];
        case 3:
          return ['osd', 'tier', 'remove-overlay', base!];
        default:
          return ['osd', 'tier', 'rm', base!, cache!];
      }
    },
  },
  {
    name: 'pool set-quota',
    weight: (m) => (m.pools.size > 0 ? 0.4 : 0),
    make: (m, g) => ['osd', 'pool', 'set-quota', g.pick(m.pools.keys())!, g.rng.pick(['max_objects', 'max_bytes']), String(g.int(0, 5) * 1000)],
  },
  {
    name: 'pool rename',
    weight: (m) => (m.pools.size > 0 ? 0.2 : 0),
    make: (m, g) => ['osd', 'pool', 'rename', g.pick(m.pools.keys())!, g.fresh('pr')],
  },
  {
    name: 'pool snaps',
    weight: (m) => (m.pools.size > 0 ? 1 : 0),
    make: (m, g) => {
      const p = g.pick([...m.pools.values()].filter((x) => !x.erasure)) ?? g.pick(m.pools.values())!;
      if (p.snaps.length > 0 && g.chance(0.45)) return ['osd', 'pool', 'rmsnap', p.name, g.pick(p.snaps)!];
      return ['osd', 'pool', 'mksnap', p.name, g.fresh('snap')];
    },
  },
  {
    name: 'pool application enable',
    weight: (m) => (m.pools.size > 0 ? 0.3 : 0),
    make: (m, g) => ['osd', 'pool', 'application', 'enable', g.pick(m.pools.keys())!, g.rng.pick(['rbd', 'rgw', 'cephfs', 'app1']), '--yes-i-really-mean-it'],
  },
  {
    name: 'erasure-code-profile set',
    weight: (m) => (m.profiles.size < 4 ? 0.6 : 0.1),
    make: (m, g) => {
      const k = g.int(2, 4);
      const args = ['osd', 'erasure-code-profile', 'set', g.fresh('ecp'), `k=${k}`, `m=${g.int(1, 2)}`, `crush-failure-domain=${g.rng.pick(['osd', 'host'])}`];
      if (m.classes.size > 0 && g.chance(0.3)) args.push(`crush-device-class=${g.pick(m.classes)}`);
      return args;
    },
  },
  {
    name: 'erasure-code-profile rm',
    weight: (m) => (m.profiles.size > 1 ? 0.3 : 0),
    make: (m, g) => ['osd', 'erasure-code-profile', 'rm', g.pick([...m.profiles].filter((p) => p !== 'default'))!],
  },

  // PG overrides
  {
    name: 'pg-upmap-items',
    weight: (m) => (m.pools.size > 0 && m.osds.size > 1 ? 1.5 : 0),
    make: (m, g) => {
      const t = pgid(m, g);
      const ids = [...m.osds.keys()];
      if (!t || ids.length < 2) return undefined;
      const from = g.pick(ids)!;
      const to = g.pick(ids.filter((i) => i !== from))!;
      return ['osd', 'pg-upmap-items', t.pg, String(from), String(to)];
    },
  },
  {
    name: 'rm-pg-upmap-items',
    weight: (m) => (m.upmapItems.size > 0 ? 0.8 : 0),
    make: (m, g) => ['osd', 'rm-pg-upmap-items', g.pick(m.upmapItems)!],
  },
  {
    name: 'pg-upmap',
    weight: (m) => (m.pools.size > 0 && m.osds.size > 2 ? 0.5 : 0),
    make: (m, g) => {
      const t = pgid(m, g);
      if (!t) return undefined;
      const ids = [...m.osds.keys()].sort(() => g.rng.next() - 0.5).slice(0, Math.max(1, Math.min(t.pool.size, m.osds.size)));
      return ['osd', 'pg-upmap', t.pg, ...ids.map(String)];
    },
  },
  {
    name: 'rm-pg-upmap',
    weight: (m) => (m.upmaps.size > 0 ? 0.4 : 0),
    make: (m, g) => ['osd', 'rm-pg-upmap', g.pick(m.upmaps)!],
  },
  {
    // With no OSD daemon up no PG has an acting set, so the monitor refuses every one ("not in
    // acting set", or EPERM below reef clients): this exercises its refusals. The removals are
    // accepted for any PG of a replicated pool, with or without an entry, and so is -all: they
    // commit incrementals with old_pg_upmap_primary entries (Incremental v9).
    name: 'pg-upmap-primary',
    weight: (m, g) => (g.release.upmapPrimary && m.osds.size > 1 && hasReplicatedPg(m) ? 2 : 0),
    make: (m, g) => {
      const gate = reefClientsFirst(m, g);
      if (gate) return gate;
      const pg = replicatedPg(m, g);
      return pg ? ['osd', 'pg-upmap-primary', pg, String(g.pick(m.osds.keys()))] : undefined;
    },
  },
  {
    name: 'rm-pg-upmap-primary',
    weight: (m, g) => (g.release.upmapPrimary && hasReplicatedPg(m) ? 2.5 : 0),
    make: (m, g) => {
      const gate = reefClientsFirst(m, g);
      if (gate) return gate;
      const pg = m.upmapPrimaries.size > 0 && g.chance(0.5) ? g.pick(m.upmapPrimaries) : replicatedPg(m, g);
      return pg ? ['osd', 'rm-pg-upmap-primary', pg] : undefined;
    },
  },
  {
    name: 'rm-pg-upmap-primary-all',
    weight: (_, g) => (g.release.upmapPrimary ? 0.5 : 0),
    make: () => ['osd', 'rm-pg-upmap-primary-all'],
  },
  {
    name: 'pg-temp',
    weight: (m) => (m.pools.size > 0 && m.osds.size > 1 ? 1 : 0),
    make: (m, g) => {
      const t = pgid(m, g);
      if (!t) return undefined;
      // Between the pool's min_size and size OSDs (the monitor refuses other counts), or none to clear it.
      const n = g.chance(0.2) ? 0 : g.int(Math.min(t.pool.minSize, m.osds.size), Math.max(1, Math.min(t.pool.size, m.osds.size)));
      const ids = [...m.osds.keys()].sort(() => g.rng.next() - 0.5).slice(0, n);
      return ['osd', 'pg-temp', t.pg, ...ids.map(String)];
    },
  },
  {
    name: 'primary-temp',
    weight: (m) => (m.pools.size > 0 && m.osds.size > 0 ? 0.7 : 0),
    make: (m, g) => {
      const t = pgid(m, g);
      return t ? ['osd', 'primary-temp', t.pg, g.chance(0.25) ? '-1' : String(g.pick(m.osds.keys()))] : undefined;
    },
  },

  // Flags, blocklists, ratios, compat
  {
    name: 'set/unset flag',
    weight: () => 2,
    make: (m, g) => {
      const f = g.rng.pick(FLAGS);
      const isSet = f === 'pause' ? m.flags.has('pauserd') : m.flags.has(f);
      return ['osd', isSet && g.chance(0.8) ? 'unset' : 'set', f];
    },
  },
  {
    name: 'set-group/unset-group',
    weight: (m) => (m.buckets.size > 0 || m.classes.size > 0 ? 0.4 : 0),
    make: (m, g) => {
      const who = g.chance(0.6) || m.classes.size === 0 ? g.pick(m.buckets.values())?.name : g.pick(m.classes);
      if (!who) return undefined;
      return ['osd', g.chance(0.6) ? 'set-group' : 'unset-group', g.rng.pick(['noout', 'noin', 'noup', 'nodown']), who];
    },
  },
  {
    name: 'blocklist add/rm',
    weight: () => 1,
    make: (m, g) => {
      const verb = g.release.blocklistVerb;
      if (m.blocklist.size > 0 && g.chance(0.35)) return ['osd', verb, 'rm', g.pick(m.blocklist)!];
      const addr = `${g.chance(0.5) ? '127.0.0.1' : `10.${g.int(0, 3)}.${g.int(0, 255)}.${g.int(1, 254)}`}:${g.chance(0.5) ? 0 : g.int(6800, 7300)}/${g.int(1, 1e6)}`;
      return g.chance(0.5) ? ['osd', verb, 'add', addr] : ['osd', verb, 'add', addr, String(g.int(60, 100_000))];
    },
  },
  {
    name: 'blocklist range',
    weight: () => 0.3,
    make: (m, g) => {
      if (!g.release.rangeBlocklist) return undefined;
      const verb = g.release.blocklistVerb;
      if (m.rangeBlocklist.size > 0 && g.chance(0.4)) return ['osd', verb, 'range', 'rm', g.pick(m.rangeBlocklist)!];
      return ['osd', verb, 'range', 'add', `10.${g.int(0, 9)}.${g.int(0, 255)}.0/24`];
    },
  },
  {
    name: 'set-require-min-compat-client',
    weight: () => 0.4,
    make: (_, g) => ['osd', 'set-require-min-compat-client', g.rng.pick(g.release.compatClients)],
  },
  {
    name: 'ratios',
    weight: () => 0.4,
    make: (_, g) => {
      const which = g.rng.pick(['set-full-ratio', 'set-backfillfull-ratio', 'set-nearfull-ratio']);
      const v = which === 'set-full-ratio' ? g.rng.pick(['0.95', '0.97', '0.99']) : which === 'set-backfillfull-ratio' ? g.rng.pick(['0.9', '0.92']) : g.rng.pick(['0.8', '0.85']);
      return ['osd', which, v];
    },
  },
];

/** Picks and returns the next command for the model (undefined when nothing fits). */
export function nextCommand(m: ClusterModel, g: Gen): GeneratedCommand | undefined {
  const weighted = OPS.map((op) => ({ op, w: Math.max(0, op.weight(m, g)) })).filter((x) => x.w > 0);
  const total = weighted.reduce((s, x) => s + x.w, 0);
  for (let attempt = 0; attempt < 60; attempt++) {
    let r = g.rng.next() * total;
    const { op } = weighted.find((x) => (r -= x.w) < 0) ?? weighted[weighted.length - 1]!;
    const args = op.make(m, g);
    if (!args || args.some((a) => a === undefined || a === 'undefined')) continue;
    if (op.risky && g.release.downInSubtreeAssert) {
      const after = cloneModel(m);
      simulate(after, args);
      if (downInAssertTrips(after)) continue;
    }
    return { args, risky: op.risky === true };
  }
  return undefined;
}

// ---- running a history ------------------------------------------------------------------------

export interface HistoryStep {
  step: number;
  args: string[];
  code: number;
  /** The last lines the command printed (stdout, else stderr). */
  said: string;
  ms: number;
  /** Wall-clock start and end of the command (ms since the epoch): an incremental whose
   * `modified` stamp falls in between was committed for it. */
  startedAt: number;
  endedAt: number;
  /** osdmap epoch read back before the command, when the model was refreshed for it. */
  epochBefore?: number;
}

export interface HistoryRun {
  steps: HistoryStep[];
  accepted: number;
  refused: number;
  refreshes: number;
  lastEpoch: number;
  /** Commands that made the real monitor abort (a Ceph bug), with the assertion it printed. */
  cephCrashes: Array<{ step: number; args: string[]; assertion: string }>;
}

/** The line of a mon's log that says why it aborted (`FAILED ceph_assert(…)`, `Caught signal`). */
export function abortReason(log: string): string | undefined {
  const lines = log.split('\n');
  return lines.find((l) => /FAILED ceph_assert|ceph_abort/.test(l))?.trim() ?? lines.find((l) => /\*\*\* Caught signal/.test(l))?.trim();
}

async function dumpJson(mon: ReleaseMon, args: string[]): Promise<Json> {
  const r = await mon.ceph([...args, '-f', 'json']);
  if (r.code !== 0) throw new Error(`ceph ${args.join(' ')}: code ${r.code}\n${r.stderr.slice(-2000)}\n${mon.logTail()}`);
  return JSON.parse(r.stdout) as Json;
}

export async function readModel(mon: ReleaseMon): Promise<ClusterModel> {
  const [osd, crush] = await Promise.all([dumpJson(mon, ['osd', 'dump']), dumpJson(mon, ['osd', 'crush', 'dump'])]);
  return modelFromDumps(osd, crush);
}

export interface RunHistoryOptions {
  steps: number;
  rng: Prng;
  /** Read the cluster back every this many steps (default 25) to correct the model. */
  resyncEvery?: number;
  /**
   * Read the cluster back after every command and fail on a difference with the simulated
   * model in what the abort check relies on (developing the simulation; slow).
   */
  checkModel?: boolean;
  /** Called after every command (progress, logging). */
  onStep?: (s: HistoryStep) => void;
  /** How many monitor aborts (Ceph bugs) to note and restart after before failing (default 3). */
  maxCephCrashes?: number;
}

/**
 * Where the simulated model is wrong about what the abort check and the arguments rely on:
 * OSD existence, in/out and NEW, pool names and ids, and CRUSH membership (the simulation may
 * keep extra parents, never miss one).
 */
export function modelDrift(sim: ClusterModel, live: ClusterModel): string[] {
  const out: string[] = [];
  const osds = (m: ClusterModel) => JSON.stringify([...m.osds].sort(([a], [b]) => a - b).map(([id, o]) => [id, o.weight > 0, o.isNew]));
  if (osds(sim) !== osds(live)) out.push(`osds: simulated ${osds(sim)}, live ${osds(live)}`);
  const pools = (m: ClusterModel) => JSON.stringify([...m.pools.values()].map((p) => [p.name, p.id]).sort());
  if (pools(sim) !== pools(live)) out.push(`pools: simulated ${pools(sim)}, live ${pools(live)}`);
  for (const b of live.buckets.values()) {
    const mine = bucketByName(sim, b.name);
    if (!mine) {
      out.push(`bucket ${b.name} missing from the model`);
      continue;
    }
    const simItems = new Set(mine.items.map((i) => (i >= 0 ? `osd.${i}` : [...sim.buckets.values()].find((x) => x.id === i)?.name)));
    for (const i of b.items) {
      const n = i >= 0 ? `osd.${i}` : live.buckets.get(i)?.name;
      if (!simItems.has(n)) out.push(`bucket ${b.name} holds ${n}, the model does not know`);
    }
  }
  if (sim.maxOsd !== live.maxOsd) out.push(`max_osd: simulated ${sim.maxOsd}, live ${live.maxOsd}`);
  return out;
}

/**
 * Runs `steps` generated commands against the mon. Throws if the mon dies (with the last
 * commands and the mon's log) or a command hangs past its timeout twice in a row.
 */
export async function runHistory(mon: ReleaseMon, opts: RunHistoryOptions): Promise<HistoryRun> {
  const g = new Gen(opts.rng, mon.release);
  const run: HistoryRun = { steps: [], accepted: 0, refused: 0, refreshes: 1, lastEpoch: 0, cephCrashes: [] };
  const maxCrashes = opts.maxCephCrashes ?? 3;
  const resyncEvery = opts.resyncEvery ?? 25;
  let model = await readModel(mon);
  let timeouts = 0;
  for (let step = 1; step <= opts.steps; step++) {
    let epochBefore: number | undefined;
    if (step % resyncEvery === 0) {
      model = await readModel(mon);
      run.refreshes++;
      epochBefore = model.epoch;
    }
    const cmd = nextCommand(model, g);
    if (!cmd) throw new Error(`no command fits the model at step ${step}: ${JSON.stringify([...model.osds])}`);
    const t0 = Date.now();
    const r = await mon.ceph(cmd.args, { timeoutMs: 30_000 });
    const said = (r.stdout.trim() || r.stderr.trim()).split('\n').slice(-2).join(' | ').slice(0, 300);
    const s: HistoryStep = { step, args: cmd.args, code: r.code, said, ms: Date.now() - t0, startedAt: t0, endedAt: Date.now(), ...(epochBefore !== undefined ? { epochBefore } : {}) };
    run.steps.push(s);
    opts.onStep?.(s);
    if (!mon.alive()) {
      const log = mon.logTail(200_000);
      const assertion = abortReason(log);
      const died = `ceph-mon died after step ${step}: ceph ${cmd.args.join(' ')}\nlast commands:\n${formatSteps(run.steps.slice(-15))}`;
      // A monitor that aborts on a command is a Ceph bug, not monctl's: note it, start the
      // monitor again on its store (the command was not committed) and go on. Anything else
      // (no abort message, or too many) ends the run.
      if (!assertion || run.cephCrashes.length >= maxCrashes) throw new Error(`${died}\n${log.slice(-6000)}`);
      run.cephCrashes.push({ step, args: cmd.args, assertion });
      await mon.restart();
      model = await readModel(mon);
      run.refreshes++;
      continue;
    }
    if (r.code === 0) {
      run.accepted++;
      simulate(model, cmd.args);
      timeouts = 0;
    } else {
      run.refused++;
      if (r.code === -1 || r.code === 124) {
        // A timed-out command may still commit: read the cluster back.
        if (++timeouts >= 2) throw new Error(`two commands in a row timed out; last: ceph ${cmd.args.join(' ')}\n${mon.logTail()}`);
        model = await readModel(mon);
        run.refreshes++;
      }
    }
    if (opts.checkModel) {
      const live = await readModel(mon);
      run.refreshes++;
      const drift = modelDrift(model, live);
      if (drift.length > 0) throw new Error(`the model drifted after step ${step} (ceph ${cmd.args.join(' ')}):\n${drift.join('\n')}`);
      model = live;
    }
  }
  model = await readModel(mon);
  run.lastEpoch = model.epoch;
  return run;
}

/** The command whose run contains this time (an incremental's `modified` stamp), if any. */
export function stepAt(steps: readonly HistoryStep[], ms: number): HistoryStep | undefined {
  return steps.find((s) => s.startedAt <= ms && ms <= s.endedAt + 50);
}

export function formatSteps(steps: readonly HistoryStep[]): string {
  return steps
    .map((s) => `${String(s.step).padStart(4)} ${s.code === 0 ? 'ok ' : `E${s.code}`}${s.epochBefore !== undefined ? ` [e${s.epochBefore}]` : ''} ceph ${s.args.join(' ')}  # ${s.said}`)
    .join('\n');
}
