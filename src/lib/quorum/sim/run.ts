/**
 * One simulation run, decided entirely by its seed (VOPR): the cluster size, the fault rates,
 * every crash, restart, partition and client command. Phase 1 is chaos with the safety checks
 * after every step; phase 2 heals everything (all monitors up, no faults) and demands
 * liveness: one quorum of every monitor, a new command committed, and identical stores.
 */
import { mulberry32, type Prng } from '../../random.js';
import { CALM } from './network.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { SafetyViolation, diffStores } from './checker.js';
import { randomMutation } from './workload.js';
import { decodeOSDMap, OSD_STATE } from '../../osdmap/index.js';
import type { Mutation } from '../api.js';
import { getVersion, kvKey } from '../kv.js';
import { OSDMAP_PREFIX } from '../../mon/index.js';

export interface SimOptions {
  /** Ticks of chaos before healing. */
  chaosTicks?: number;
  /** Ticks allowed for the cluster to converge once healed. */
  healTicks?: number;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  error?: string;
  size: number;
  ticks: number;
  committedVersions: number;
  crashes: number;
  delivered: number;
  dropped: number;
  acked: number;
}

function clusterOptions(seed: number, rng: Prng): ClusterOptions {
  const maxDelayTicks = rng.int(1, 4);
  // The lease must outlast a few round trips, as mon_lease (5 s) does a LAN's.
  const leaseTicks = 4 * (maxDelayTicks + 1) + 2;
  return {
    size: rng.int(3, 5),
    seed,
    electionTimeoutTicks: 2 * leaseTicks,
    leaseTicks,
    paxosKeep: rng.int(2, 6),
    osdmapKeep: rng.int(2, 6),
    faults: { dropChance: rng.pick([0, 0.01, 0.03, 0.1]), duplicateChance: rng.pick([0, 0.02, 0.1]), maxDelayTicks },
    crashAfterPersistChance: rng.pick([0, 0.005, 0.02]),
  };
}

/** A chaos tick's random events: client commands, crashes, restarts, partitions. */
/** The client's requests, by reqId. */
type Sent = Map<number, Mutation>;

function chaos(c: Cluster, rng: Prng, sent: Sent): void {
  const size = c.opts.size;
  if (rng.chance(0.15) && c.up.length > 0) {
    const mutation = randomMutation(rng);
    sent.set(sent.size, mutation);
    c.nodes[rng.pick(c.up)]!.submit({ clientId: 'client', reqId: sent.size - 1, mutation });
  }
  if (rng.chance(0.015) && c.up.length > 0) c.crash(rng.pick(c.up));
  const down = c.nodes.flatMap((n, r) => (n ? [] : [r]));
  if (down.length > 0 && rng.chance(0.04)) c.start(rng.pick(down));
  if (rng.chance(0.008)) {
    const group = new Set<number>();
    for (let r = 0; r < size; r++) if (rng.chance(0.5)) group.add(r);
    c.net.partition(group, size, rng.chance(0.3));
  }
  if (rng.chance(0.015)) c.net.heal();
}

function converged(c: Cluster): string | undefined {
  const nodes = c.nodes.map((n) => n!);
  const leader = nodes[0]!.leader;
  if (leader < 0) return 'no leader';
  for (const n of nodes) {
    const s = n.status();
    if (n.leader !== leader || s.quorum.length !== c.opts.size) return `mon.${n.rank} not in a full quorum under mon.${leader}`;
  }
  for (let r = 1; r < c.opts.size; r++) {
    const d = diffStores(c.disks[0]!, c.disks[r]!);
    if (d !== undefined) return `stores of mon.0 and mon.${r} differ: ${d}`;
  }
  return undefined;
}

function heal(c: Cluster, rng: Prng, healTicks: number, sent: Sent): string | undefined {
  c.net.faults = CALM;
  c.opts.crashAfterPersistChance = 0;
  c.net.heal();
  c.nodes.forEach((n, r) => n ?? c.start(r));
  const reqId = sent.size;
  sent.set(reqId, { op: 'osd-create' });
  let acked = false;
  let why: string | undefined = 'never converged';
  for (let t = 0; t < healTicks; t++) {
    if (!acked && t % 20 === 0) c.nodes[rng.int(0, c.opts.size - 1)]!.submit({ clientId: 'final', reqId, mutation: { op: 'osd-create' } });
    c.step();
    acked ||= c.replies.some((r) => r.clientId === 'final' && r.reqId === reqId && r.ok);
    if (acked && t % 5 === 0) {
      why = converged(c);
      if (why === undefined) return undefined;
    }
  }
  return acked ? `no convergence after healing: ${why}` : 'no progress after healing: the final command was never committed';
}

/**
 * Every acknowledged epoch exists in the final, agreed history, and an acknowledged
 * `osd create` really created its OSD in that epoch's committed map.
 */
function checkAcks(c: Cluster, sent: Sent): string | undefined {
  const disk = c.disks[0]!;
  const final = c.nodes[0]!.status().osdmap_epoch;
  const first = Number(getVersion(disk, OSDMAP_PREFIX, 'first_committed') ?? 0n);
  for (const r of c.replies) {
    if (!r.ok || r.epoch === undefined) continue;
    const who = `${r.clientId}#${r.reqId}`;
    if (r.epoch > final) return `${who} acked at epoch ${r.epoch} beyond the final ${final}`;
    const full = r.epoch >= first ? disk.get(kvKey(OSDMAP_PREFIX, `full_${r.epoch}`)) : undefined;
    if (sent.get(r.reqId)?.op !== 'osd-create' || full === undefined) continue;
    const id = r.result as number;
    const m = decodeOSDMap(full);
    if (!(id < m.maxOsd && (m.osdState[id]! & OSD_STATE.EXISTS) !== 0)) return `${who}: osd create acked osd.${id} at epoch ${r.epoch}, which has no such OSD`;
  }
  return undefined;
}

export function runSeed(seed: number, opts: SimOptions = {}): SimResult {
  const rng = mulberry32(seed);
  const c = new Cluster(clusterOptions(seed, rng), rng);
  const sent: Sent = new Map();
  let error: string | undefined;
  try {
    const chaosTicks = opts.chaosTicks ?? 200;
    for (let t = 0; t < chaosTicks; t++) {
      chaos(c, rng, sent);
      c.step();
    }
    error = heal(c, rng, opts.healTicks ?? 1500, sent) ?? checkAcks(c, sent);
  } catch (e) {
    if (!(e instanceof SafetyViolation)) throw e;
    error = `safety: ${e.message}`;
  }
  return {
    seed,
    ok: error === undefined,
    ...(error === undefined ? {} : { error: `${error} (replay: npm run sim -- --seed ${seed})` }),
    size: c.opts.size,
    ticks: c.now,
    committedVersions: c.checker.committedVersions,
    crashes: c.crashes,
    delivered: c.net.delivered,
    dropped: c.net.dropped,
    acked: c.replies.filter((r) => r.ok).length,
  };
}
