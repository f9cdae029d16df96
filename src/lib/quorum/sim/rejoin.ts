/**
 * A peon rejoining under load, simulated: 3 monitors with the host's timeouts (10 ms ticks),
 * 8 closed-loop clients each marking its own OSD out and in, one peon killed and restarted
 * (or stopped and continued) after a seeded time. Reports the elections the disturbance cost
 * (election epochs / 2) and the longest run of ticks without an acknowledged commit: the
 * numbers the real-process rejoin test measures, here exact and replayable by seed.
 */
import { mulberry32, type Prng } from '../../random.js';
import type { Mutation, Rank } from '../api.js';
import { MONITOR_DEFAULTS } from '../monitor.js';
import { Cluster } from './cluster.js';
import { CALM } from './network.js';

export type RejoinKind = 'restart' | 'pause';

export interface RejoinResult {
  seed: number;
  kind: RejoinKind;
  peon: Rank;
  /** Election epoch before the disturbance and once everything settled again. */
  epochBefore: number;
  epochAfter: number;
  elections: number;
  /** Longest run of ticks without an acknowledged commit, from the disturbance on. */
  longestGapTicks: number;
  /** Ticks from the restart / SIGCONT until the monitor is back in the quorum. */
  rejoinTicks: number;
}

const CLIENTS = 8;
/** The host's catch-up after a stall (monitor-host.ts MAX_CATCH_UP_TICKS). */
const CATCH_UP_TICKS = 10;
/** A client gives up on one monitor after 1 s (the CLI's attempt timeout). */
const ATTEMPT_TICKS = 100;

interface Client {
  osd: number;
  reqId: number;
  sentAt: number;
  pending: boolean;
  out: boolean;
}

class Load {
  readonly clients: Client[] = [];
  readonly commits: number[] = [];
  private seen = 0;

  constructor(
    private readonly c: Cluster,
    private readonly rng: Prng,
    osds: number[],
  ) {
    osds.forEach((osd) => this.clients.push({ osd, reqId: 0, sentAt: 0, pending: false, out: false }));
  }

  private target(): Rank {
    const live = this.c.up.filter((r) => !this.c.paused.has(r));
    return live.find((r) => this.c.nodes[r]!.leader === r) ?? this.rng.pick(live);
  }

  step(): void {
    for (const [i, cl] of this.clients.entries()) {
      if (cl.pending && this.c.now - cl.sentAt < ATTEMPT_TICKS) continue;
      const mutation: Mutation = { op: cl.out ? 'osd-in' : 'osd-out', id: cl.osd };
      if (!cl.pending) cl.reqId++;
      cl.pending = true;
      cl.sentAt = this.c.now;
      this.c.nodes[this.target()]!.submit({ clientId: `c${i}`, reqId: cl.reqId, mutation });
    }
    this.c.step();
    for (; this.seen < this.c.replies.length; this.seen++) {
      const r = this.c.replies[this.seen]!;
      const cl = this.clients[Number(r.clientId.slice(1))];
      if (cl === undefined || r.reqId !== cl.reqId || !cl.pending) continue;
      cl.pending = false;
      if (!r.ok) continue;
      cl.out = !cl.out;
      this.commits.push(this.c.now);
    }
  }
}

function maxEpoch(c: Cluster): number {
  return Math.max(...c.up.map((r) => c.nodes[r]!.electionEpoch));
}

function fullQuorum(c: Cluster): boolean {
  const leader = c.nodes[0]?.leader ?? -1;
  return leader >= 0 && c.nodes.every((n) => n !== undefined && n.leader === leader && n.status().quorum.length === c.opts.size);
}

function runUntil(c: Cluster, step: () => void, done: () => boolean, limit: number): boolean {
  for (let t = 0; t < limit; t++) {
    if (done()) return true;
    step();
  }
  return done();
}

/** `who`: the monitor disturbed — a peon (the seed picks which) or the leader. */
export function runRejoin(seed: number, kind: RejoinKind, who: 'peon' | 'leader' = 'peon'): RejoinResult {
  const rng = mulberry32(seed);
  const c = new Cluster(
    // Loopback TCP: nothing lost, every message next tick, in order.
    { size: 3, seed, ...MONITOR_DEFAULTS, faults: { ...CALM, maxDelayTicks: 0 }, crashAfterPersistChance: 0 },
    rng,
  );
  if (!runUntil(c, () => c.step(), () => fullQuorum(c), 2_000)) throw new Error(`seed ${seed}: no quorum at start`);
  // Eight OSDs, one per client.
  const osds: number[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const leader = c.nodes[0]!.leader;
    c.nodes[leader]!.submit({ clientId: 'setup', reqId: i, mutation: { op: 'osd-create' } });
    if (!runUntil(c, () => c.step(), () => c.replies.some((r) => r.clientId === 'setup' && r.reqId === i && r.ok), 500)) throw new Error(`seed ${seed}: setup failed`);
    osds.push(c.replies.find((r) => r.clientId === 'setup' && r.reqId === i)!.result as number);
  }
  const load = new Load(c, rng, osds);
  for (let t = 0, n = rng.int(100, 300); t < n; t++) load.step();
  if (!fullQuorum(c)) throw new Error(`seed ${seed}: the quorum broke under load alone`);
  const leader = c.nodes[0]!.leader;
  const peon = who === 'leader' ? leader : rng.pick([0, 1, 2].filter((r) => r !== leader));
  const epochBefore = maxEpoch(c);
  const t0 = c.now;
  if (kind === 'restart') c.crash(peon, true);
  else c.pause(peon);
  for (let t = 0, n = rng.int(100, 200); t < n; t++) load.step();
  const back = c.now;
  if (kind === 'restart') c.start(peon);
  else c.resume(peon, CATCH_UP_TICKS);
  const inQuorum = () => fullQuorum(c) && c.nodes[peon]!.status().quorum.includes(peon);
  if (!runUntil(c, () => load.step(), inQuorum, 3_000)) throw new Error(`seed ${seed}: mon.${peon} never rejoined`);
  const rejoinTicks = c.now - back;
  for (let t = 0; t < 300; t++) load.step();
  const epochAfter = maxEpoch(c);
  let gap = 0;
  let prev = t0;
  for (const t of [...load.commits.filter((x) => x >= t0), c.now]) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return { seed, kind, peon, epochBefore, epochAfter, elections: (epochAfter - epochBefore) / 2, longestGapTicks: gap, rejoinTicks };
}
