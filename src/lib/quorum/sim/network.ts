/**
 * The packet simulator (TigerBeetle's packet_simulator): every message is a packet with a
 * delivery tick; the seed decides drops, duplicates, delays (which also reorder) and
 * partitions. Links are directional so a partition can be one-way.
 */
import type { Prng } from '../../random.js';
import type { QuorumMessage, Rank } from '../api.js';

export interface NetworkFaults {
  dropChance: number;
  duplicateChance: number;
  /** Extra delivery delay, uniform in [0, maxDelayTicks]. */
  maxDelayTicks: number;
}

export const CALM: NetworkFaults = { dropChance: 0, duplicateChance: 0, maxDelayTicks: 1 };

interface Packet {
  deliverAt: number;
  seq: number;
  from: Rank;
  to: Rank;
  msg: QuorumMessage;
}

export class Network {
  private packets: Packet[] = [];
  private seq = 0;
  /** Cut links, as `from>to`. */
  private readonly cut = new Set<string>();
  faults: NetworkFaults;
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly rng: Prng,
    faults: NetworkFaults,
  ) {
    this.faults = faults;
  }

  send(now: number, from: Rank, to: Rank, msg: QuorumMessage): void {
    const copies = this.rng.chance(this.faults.duplicateChance) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.rng.chance(this.faults.dropChance)) {
        this.dropped++;
        continue;
      }
      const deliverAt = now + 1 + (this.faults.maxDelayTicks > 0 ? this.rng.int(0, this.faults.maxDelayTicks) : 0);
      this.packets.push({ deliverAt, seq: this.seq++, from, to, msg });
    }
  }

  /**
   * The packets due at `now` whose link is up, in (delivery tick, send order). Packets to a
   * `held` monitor (stopped, its socket buffers filling) stay queued until it reads again.
   */
  due(now: number, held: ReadonlySet<Rank> = new Set()): Packet[] {
    const ready: Packet[] = [];
    const later: Packet[] = [];
    for (const p of this.packets) (p.deliverAt <= now && !held.has(p.to) ? ready : later).push(p);
    this.packets = later;
    ready.sort((a, b) => a.deliverAt - b.deliverAt || a.seq - b.seq);
    const out = ready.filter((p) => !this.cut.has(`${p.from}>${p.to}`));
    this.dropped += ready.length - out.length;
    this.delivered += out.length;
    return out;
  }

  /**
   * A monitor crashed: everything addressed to it is gone (its sessions are), and with
   * `alsoFrom` so is what it sent that is still in flight (unflushed socket buffers).
   */
  dropCrashed(rank: Rank, alsoFrom: boolean): void {
    this.packets = this.packets.filter((p) => p.to !== rank && !(alsoFrom && p.from === rank));
  }

  partition(group: Set<Rank>, size: number, oneWay: boolean): void {
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        if (group.has(a) === group.has(b)) continue;
        if (!oneWay || group.has(a)) this.cut.add(`${a}>${b}`);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  get inFlight(): number {
    return this.packets.length;
  }
}
