/**
 * A simulated cluster: monitors, their disks (the persisted key-value maps), the network and
 * the clients. Each monitor's Ready is persisted to its disk, then its messages are sent and
 * its replies collected, exactly the order the host must keep. A crash drops the node and
 * what it had not sent; a restart rebuilds the node from its disk alone.
 */
import type { Prng } from '../../random.js';
import type { ClientReply, MonitorConfig, QuorumMessage, Rank } from '../api.js';
import { applyTransaction, type Kv } from '../kv.js';
import { decodeMessage, encodeMessage } from '../message-codec.js';
import { MonitorNode } from '../monitor.js';
import { Checker } from './checker.js';
import { Network, type NetworkFaults } from './network.js';

export interface ClusterOptions {
  size: number;
  seed: number;
  electionTimeoutTicks: number;
  leaseTicks: number;
  paxosKeep: number;
  osdmapKeep: number;
  faults: NetworkFaults;
  /** Chance that a crash hits between persisting a Ready and sending its messages. */
  crashAfterPersistChance: number;
}

export class Cluster {
  readonly disks: Kv[];
  readonly nodes: (MonitorNode | undefined)[];
  readonly net: Network;
  readonly checker: Checker;
  readonly replies: ClientReply[] = [];
  now = 0;
  crashes = 0;
  /** Monitors stopped (SIGSTOP): they neither tick nor read; what is sent to them waits. */
  readonly paused = new Set<Rank>();
  /** Every message handed to the network during the current step (for scripted scenarios). */
  sentThisStep: { from: Rank; to: Rank; msg: QuorumMessage }[] = [];

  constructor(
    readonly opts: ClusterOptions,
    private readonly rng: Prng,
  ) {
    this.disks = Array.from({ length: opts.size }, () => new Map<string, Uint8Array>());
    this.nodes = new Array<MonitorNode | undefined>(opts.size).fill(undefined);
    this.net = new Network(rng, opts.faults);
    this.checker = new Checker(opts.size);
    for (let r = 0; r < opts.size; r++) this.start(r);
  }

  config(rank: Rank): MonitorConfig {
    const names = Array.from({ length: this.opts.size }, (_, i) => String.fromCharCode(97 + i));
    return {
      rank,
      names,
      addrs: names.map((_, i) => `10.0.0.${i + 1}:3300`),
      fsid: '8c4ef1a2-5d3b-4c6e-9f70-1a2b3c4d5e6f',
      seed: this.opts.seed,
      electionTimeoutTicks: this.opts.electionTimeoutTicks,
      leaseTicks: this.opts.leaseTicks,
      paxosKeep: this.opts.paxosKeep,
      osdmapKeep: this.opts.osdmapKeep,
    };
  }

  start(rank: Rank): void {
    this.nodes[rank] = new MonitorNode(this.config(rank), this.disks[rank]!);
    this.flush(rank);
  }

  /** `loseInFlight`: its unflushed sends die with it (default: the seed decides). */
  crash(rank: Rank, loseInFlight = this.rng.chance(0.5)): void {
    this.nodes[rank] = undefined;
    this.net.dropCrashed(rank, loseInFlight);
    this.crashes++;
  }

  pause(rank: Rank): void {
    this.paused.add(rank);
  }

  /**
   * SIGCONT: the monitor reads what waited for it, and its host delivers the ticks it owes
   * (at most `catchUpTicks` at once, as the host's timer does after a stall).
   */
  resume(rank: Rank, catchUpTicks: number): void {
    this.paused.delete(rank);
    const node = this.nodes[rank];
    if (!node) return;
    for (let i = 0; i < catchUpTicks; i++) node.tick();
    this.flush(rank);
  }

  get up(): Rank[] {
    return this.nodes.flatMap((n, r) => (n ? [r] : []));
  }

  /** Persist, then send, then answer; then the safety checks. */
  flush(rank: Rank): void {
    const node = this.nodes[rank];
    while (node && this.nodes[rank] === node && node.hasReady()) {
      const rd = node.ready();
      if (rd.transaction) applyTransaction(this.disks[rank]!, rd.transaction);
      if (rd.messages.length > 0 && this.rng.chance(this.opts.crashAfterPersistChance)) {
        this.crash(rank);
        break;
      }
      for (const { to, msg } of rd.messages) {
        this.sentThisStep.push({ from: rank, to, msg });
        this.net.send(this.now, rank, to, msg);
      }
      this.replies.push(...rd.replies);
      node.advance();
    }
    if (node && node.leader === rank) this.checker.leader(node.electionEpoch, rank);
    this.checker.store(this.disks, rank);
  }

  /** One tick: every live monitor ticks, then the packets due are delivered (through the codec). */
  step(): void {
    this.now++;
    this.sentThisStep = [];
    for (const r of this.up) {
      if (this.paused.has(r)) continue;
      this.nodes[r]!.tick();
      this.flush(r);
    }
    for (const p of this.net.due(this.now, this.paused)) {
      const node = this.nodes[p.to];
      if (!node) continue;
      node.step(p.from, decodeMessage(encodeMessage(p.msg)));
      this.flush(p.to);
    }
  }
}
