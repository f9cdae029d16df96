/**
 * Ceph's classic election (ElectionLogic, CLASSIC strategy) as a pure state machine. Epochs
 * are odd while electing and even while a quorum stands; the epoch is persisted before any
 * message of it leaves. A monitor proposes itself, defers (acks) to a lower rank, and the
 * proposer declares victory when every monitor acked, or at its timeout with a majority.
 *
 * Two departures from Ceph, both for safety under loss and reordering (Ceph relies on
 * lossless ordered sessions): an ack is final for its epoch (Ceph lets a monitor switch its
 * ack to an even lower rank in the same epoch, which can let two proposers each count a
 * majority; here the switch moves to the next odd epoch and the ack carries it there), and
 * an election that times out without a winner moves to the next odd epoch rather than
 * re-proposing in the same one. Timeouts carry a seeded jitter so rival proposers separate.
 */
import type { ElectionMessage, Rank } from './api.js';
import { isMajority } from './quorum-math.js';
import type { Prng } from '../random.js';

export interface ElectorHooks {
  persistEpoch(epoch: number): void;
  send(to: Rank, msg: ElectionMessage): void;
  /** This monitor won: the quorum is every rank that acked. */
  won(epoch: number, quorum: Rank[]): void;
  /** Another monitor won and this one is in its quorum. */
  lost(epoch: number, leader: Rank, quorum: Rank[]): void;
  /** The quorum this monitor was in is gone (an election started). */
  left(): void;
}

export class Elector {
  epoch: number;
  /** The rank acked this epoch (−1: none). */
  private leaderAcked = -1;
  private electingMe = false;
  private readonly ackedMe = new Set<Rank>();
  /** Ticks until the current election (or out-of-quorum wait) times out. */
  private deadline = 0;
  /** Between rounds: the deadline starts my proposal rather than ending a round. */
  private waiting = false;
  private now = 0;
  inQuorum = false;
  /** The standing quorum (meaningful while inQuorum). */
  quorum: Rank[] = [];
  leader: Rank = -1;

  constructor(
    private readonly rank: Rank,
    private readonly size: number,
    storedEpoch: number,
    private readonly timeoutTicks: number,
    private readonly rng: Prng,
    private readonly hooks: ElectorHooks,
  ) {
    this.epoch = storedEpoch;
  }

  get electing(): boolean {
    return this.epoch % 2 === 1;
  }

  /** ElectionLogic::init: a monitor restarted mid-election leaves that epoch behind. */
  init(now: number): void {
    this.now = now;
    if (this.epoch % 2 === 1) this.bump(this.epoch + 1);
    this.scheduleProposal();
  }

  /**
   * Wait before proposing, longer for higher ranks, so the lowest live rank usually proposes
   * first and wins in one round (Ceph's monitors probe first; this plays that part).
   */
  private scheduleProposal(): void {
    this.waiting = true;
    const stagger = Math.max(1, this.timeoutTicks >> 1);
    this.deadline = this.now + this.rank * stagger + this.rng.int(0, stagger);
  }

  private bump(e: number): void {
    const wasInQuorum = this.inQuorum;
    this.epoch = e;
    this.hooks.persistEpoch(e);
    this.electingMe = false;
    this.ackedMe.clear();
    this.leaderAcked = -1;
    this.inQuorum = false;
    this.quorum = [];
    this.leader = -1;
    if (wasInQuorum) this.hooks.left();
  }

  private armTimeout(): void {
    this.deadline = this.now + this.timeoutTicks + this.rng.int(0, Math.max(1, this.timeoutTicks >> 1));
  }

  /** Propose myself: a stable epoch moves to the next odd one; a failed election to the one after. */
  start(): void {
    this.waiting = false;
    if (this.epoch % 2 === 0) this.bump(this.epoch + 1);
    else if (this.leaderAcked >= 0 || this.electingMe) this.bump(this.epoch + 2);
    this.electingMe = true;
    this.ackedMe.add(this.rank);
    for (let r = 0; r < this.size; r++) if (r !== this.rank) this.hooks.send(r, { type: 'election', op: 'propose', epoch: this.epoch, quorum: [] });
    this.armTimeout();
    if (this.size === 1) this.victory();
  }

  private defer(from: Rank): void {
    this.waiting = false;
    this.electingMe = false;
    this.ackedMe.clear();
    this.leaderAcked = from;
    this.hooks.send(from, { type: 'election', op: 'ack', epoch: this.epoch, quorum: [] });
    this.armTimeout();
  }

  private victory(): void {
    const quorum = [...this.ackedMe].sort((a, b) => a - b);
    this.bump(this.epoch + 1);
    this.inQuorum = true;
    this.quorum = quorum;
    this.leader = this.rank;
    for (const r of quorum) if (r !== this.rank) this.hooks.send(r, { type: 'election', op: 'victory', epoch: this.epoch, quorum });
    this.hooks.won(this.epoch, quorum);
  }

  tick(now: number): void {
    this.now = now;
    if (this.inQuorum || now < this.deadline) return;
    if (this.electingMe && isMajority(this.ackedMe.size, this.size)) this.victory();
    else if (this.waiting) this.start();
    else this.scheduleProposal();
  }

  step(from: Rank, m: ElectionMessage): void {
    if (m.op === 'propose') this.handlePropose(from, m.epoch);
    else if (m.op === 'ack') this.handleAck(from, m.epoch);
    else this.handleVictory(from, m.epoch, m.quorum);
  }

  /**
   * The leader of a standing quorum, when a monitor outside it speaks up (ElectionLogic::
   * receive_propose's "a mon just started up, call a new election so they can rejoin").
   */
  private isLeaderFacing(from: Rank): boolean {
    return this.epoch % 2 === 0 && this.inQuorum && this.leader === this.rank && !this.quorum.includes(from);
  }

  /**
   * The leader calls the election that takes `from` in. A newcomer of a lower rank would win
   * it (Ceph's rule): then the leader acks it in the new epoch at once — the newcomer, seeing
   * an ack of a newer epoch, proposes in it (handleAck) and every member defers to it — rather
   * than proposing itself and having members' acks switch from it to the newcomer.
   */
  private admit(from: Rank): void {
    if (from > this.rank) {
      this.start();
      return;
    }
    this.bump(this.epoch + 1);
    this.defer(from);
  }

  private handlePropose(from: Rank, e: number): void {
    if (e % 2 === 0) return;
    if (e > this.epoch) {
      const leader = this.inQuorum && !this.quorum.includes(from) ? this.leader : -1;
      this.bump(e);
      if (leader >= 0 && leader !== this.rank && leader < from) {
        // A monitor outside my quorum called this election; my leader gets the same propose
        // and, ranking lower than the caller, proposes in this very epoch. Acking the caller
        // now would have to be switched to the leader, which here costs another epoch (see
        // the header): wait for the leader's propose. Should it not come, the timeout
        // starts my own election.
        this.waiting = false;
        this.armTimeout();
        return;
      }
    } else if (e < this.epoch) {
      // An old propose from outside the quorum: a monitor (re)started. Only the leader calls
      // the election that takes it in; in Ceph every member does, and the rivals' proposals
      // of one epoch are sorted out by switching acks, which here would cost extra epochs.
      if (this.isLeaderFacing(from)) this.admit(from);
      return;
    }
    if (this.rank < from) {
      // I would win over them.
      if (this.leaderAcked < 0 && !this.electingMe) this.start();
    } else if (this.leaderAcked < 0 || this.leaderAcked === from) {
      this.defer(from);
    } else if (this.leaderAcked > from) {
      // Ceph switches its ack to the lower rank in the same epoch; an ack here is final for
      // its epoch, so the switch happens in the next election epoch, which the ack carries.
      this.bump(this.epoch + 2);
      this.defer(from);
    }
  }

  private handleAck(from: Rank, e: number): void {
    if (e > this.epoch) {
      this.bump(e);
      this.start();
      return;
    }
    if (e < this.epoch) {
      // A monitor outside the quorum acked an election that ended without it (it was stopped
      // and has just read the old propose): it is alive, so take it in now rather than after
      // its own election times out.
      if (this.isLeaderFacing(from)) this.admit(from);
      return;
    }
    if (!this.electingMe) return;
    this.ackedMe.add(from);
    if (this.ackedMe.size === this.size) this.victory();
  }

  private handleVictory(from: Rank, e: number, quorum: Rank[]): void {
    if (e === this.epoch + 1 && this.leaderAcked === from && quorum.includes(this.rank)) {
      this.bump(e);
      this.inQuorum = true;
      this.quorum = [...quorum];
      this.leader = from;
      this.hooks.lost(e, from, quorum);
      return;
    }
    if (e > this.epoch) {
      // A quorum formed without me: wait out of it, then call an election to rejoin.
      this.bump(e);
      this.scheduleProposal();
    }
  }

  /** Monitor::bootstrap (lease or accept timeout, a sync done): leave the quorum and call an election. */
  restart(): void {
    if (this.epoch % 2 === 0) this.bump(this.epoch + 1);
    else if (this.leaderAcked >= 0 || this.electingMe) this.bump(this.epoch + 2);
    this.scheduleProposal();
  }
}
