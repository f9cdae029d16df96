/**
 * Ceph's Paxos (src/mon/Paxos.cc) as a pure state machine, one instance per monitor.
 *
 * Leader: collect(pn) → every quorum member answers `last` (its promise, the committed values
 * the leader lacks, and any accepted-but-uncommitted value with the pn it was accepted under);
 * the leader re-proposes the uncommitted value with the highest pn, then goes active.
 * A proposal is begin → accept from every quorum member → commit, then the lease is extended.
 * Peon: promises on collect, accepts begin with pn ≥ its promise, stores commits, acks leases.
 * Any timeout (collect/accept, lease ack on the leader, lease on a peon) calls an election,
 * as Monitor::bootstrap does. Messages of another election epoch are dropped.
 */
import type { PaxosMessage, Rank, Transaction } from './api.js';
import { newProposalNumber, PaxosLog, type PaxosValue } from './paxos-log.js';

export interface PaxosHooks {
  /** Apply to the store view and queue for persistence. */
  write(tx: Transaction): void;
  send(to: Rank, m: PaxosMessage): void;
  /** last_committed moved (update_from_paxos); `version` is the newest committed. */
  committed(version: bigint): void;
  /** The leader can take a proposal (recovery finished or a commit completed). */
  active(): void;
  /** Something timed out or diverged: call an election. */
  bootstrap(): void;
  /** This monitor is behind `from`'s trim point and must sync its store from it. */
  needSync(from: Rank): void;
}

export type PaxosState = 'recovering' | 'active' | 'updating';

export class Paxos {
  readonly log: PaxosLog;
  role: 'none' | 'leader' | 'peon' = 'none';
  state: PaxosState = 'recovering';
  private epoch = 0;
  private quorum: Rank[] = [];
  private leader: Rank = -1;
  private now = 0;
  /** Leader: the pn of this term's collect. */
  private pn = 0n;
  private readonly numLast = new Set<Rank>();
  private uncommitted: { version: bigint; pn: bigint; value: Uint8Array } | undefined;
  private readonly accepted = new Set<Rank>();
  private readonly leaseAcked = new Set<Rank>();
  /** Leader: collect/accept must finish by then. */
  private phaseDeadline = Infinity;
  private leaseAckDeadline = Infinity;
  private leaseRenewAt = Infinity;
  /** Leader: when to resend collect/begin to members that have not answered. */
  private resendAt = Infinity;
  /** The value being proposed (for resends). */
  private proposal: PaxosValue | undefined;
  /** Peon: readable until, and the point where a missing lease calls an election. */
  leaseExpiresAt = 0;
  private leaseTimeoutAt = Infinity;

  constructor(
    private readonly rank: Rank,
    kv: Map<string, Uint8Array>,
    private readonly leaseTicks: number,
    private readonly hooks: PaxosHooks,
  ) {
    this.log = new PaxosLog(kv);
  }

  private msg(op: PaxosMessage['op'], extra: Partial<PaxosMessage> = {}): PaxosMessage {
    return {
      type: 'paxos',
      op,
      epoch: this.epoch,
      pn: this.pn,
      firstCommitted: this.log.firstCommitted,
      lastCommitted: this.log.lastCommitted,
      values: [],
      uncommittedPn: 0n,
      leaseTicks: 0,
      ...extra,
    };
  }

  private peons(): Rank[] {
    return this.quorum.filter((r) => r !== this.rank);
  }

  private reset(): void {
    this.numLast.clear();
    this.accepted.clear();
    this.leaseAcked.clear();
    this.uncommitted = undefined;
    this.phaseDeadline = this.leaseAckDeadline = this.leaseRenewAt = this.leaseTimeoutAt = this.resendAt = Infinity;
    this.proposal = undefined;
    this.leaseExpiresAt = 0;
  }

  /** Out of any quorum (an election started). */
  stop(): void {
    this.role = 'none';
    this.state = 'recovering';
    this.reset();
  }

  leaderInit(epoch: number, quorum: Rank[], now: number): void {
    this.now = now;
    Object.assign(this, { role: 'leader', epoch, quorum: [...quorum], leader: this.rank });
    this.reset();
    this.collect(0n);
  }

  peonInit(epoch: number, leader: Rank, quorum: Rank[], now: number): void {
    this.now = now;
    Object.assign(this, { role: 'peon', state: 'recovering', epoch, quorum: [...quorum], leader });
    this.reset();
    this.leaseTimeoutAt = now + 2 * this.leaseTicks;
  }

  isActiveLeader(): boolean {
    return this.role === 'leader' && this.state === 'active';
  }

  /** Paxos::is_readable on a peon: a lease is held. */
  isLeaseValid(): boolean {
    return this.role === 'leader' ? this.state !== 'recovering' : this.now < this.leaseExpiresAt;
  }

  private commitValues(values: readonly PaxosValue[]): boolean {
    const tx = this.log.commitTransaction(values);
    if (tx === undefined) return false;
    this.hooks.write(tx);
    this.hooks.committed(this.log.lastCommitted);
    return true;
  }

  // ---- leader: recovery ------------------------------------------------------------------

  private collect(oldPn: bigint): void {
    this.state = 'recovering';
    const accepted = this.log.acceptedPn;
    this.pn = newProposalNumber(this.log.lastPn, oldPn > accepted ? oldPn : accepted, this.rank);
    this.hooks.write(this.log.pnTransaction('last_pn', this.pn));
    this.hooks.write(this.log.pnTransaction('accepted_pn', this.pn));
    this.numLast.clear();
    this.numLast.add(this.rank);
    this.uncommitted = this.log.uncommitted();
    this.sendCollect();
    this.phaseDeadline = this.now + 2 * this.leaseTicks;
    if (this.numLast.size === this.quorum.length) this.recovered();
  }

  // Ceph's sessions are lossless and ordered; here a collect or begin can be lost or overtake
  // the victory, so the leader repeats it to the members that have not answered yet.
  private armResend(): void {
    this.resendAt = this.now + Math.max(2, this.leaseTicks >> 1);
  }

  private sendCollect(): void {
    for (const r of this.peons()) if (!this.numLast.has(r)) this.hooks.send(r, this.msg('collect'));
    this.armResend();
  }

  private sendBegin(): void {
    const p = this.proposal!;
    const begin = this.msg('begin', { values: [p] }); // one message object for every peon (the host encodes it once)
    for (const r of this.peons()) if (!this.accepted.has(r)) this.hooks.send(r, begin);
    this.armResend();
  }

  private handleLast(from: Rank, m: PaxosMessage): void {
    if (this.state !== 'recovering') return;
    if (m.firstCommitted > this.log.lastCommitted + 1n) {
      // The peon trimmed past what I have: I am the one that must sync.
      this.hooks.needSync(from);
      return;
    }
    this.commitValues(m.values.filter((x) => x.version <= m.lastCommitted));
    if (m.lastCommitted < this.log.lastCommitted && m.lastCommitted + 1n >= this.log.firstCommitted) {
      this.hooks.send(from, this.msg('commit', { values: this.log.valuesAfter(m.lastCommitted) }));
    }
    if (m.pn > this.pn) {
      this.collect(m.pn);
      return;
    }
    if (m.pn !== this.pn) return;
    this.numLast.add(from);
    const theirs = m.uncommittedPn > 0n ? m.values.find((x) => x.version === m.lastCommitted + 1n) : undefined;
    // Only the value for the next version matters; for it, the highest pn wins (Paxos's rule).
    const mine = this.uncommitted;
    if (theirs && (mine === undefined || theirs.version > mine.version || (theirs.version === mine.version && m.uncommittedPn > mine.pn))) {
      this.uncommitted = { version: theirs.version, pn: m.uncommittedPn, value: theirs.value };
    }
    if (this.numLast.size === this.quorum.length) this.recovered();
  }

  private recovered(): void {
    const u = this.uncommitted;
    this.uncommitted = undefined;
    if (u !== undefined && u.version === this.log.lastCommitted + 1n) {
      this.begin(u.value);
      return;
    }
    this.phaseDeadline = this.resendAt = Infinity;
    this.state = 'active';
    this.extendLease();
    this.hooks.active();
  }

  // ---- leader: a proposal ----------------------------------------------------------------

  /** Paxos::begin; only an active leader proposes. */
  propose(value: Uint8Array): boolean {
    if (!this.isActiveLeader()) return false;
    this.begin(value);
    return true;
  }

  private begin(value: Uint8Array): void {
    this.state = 'updating';
    const v = this.log.lastCommitted + 1n;
    this.hooks.write(this.log.acceptTransaction(v, value, this.pn));
    this.accepted.clear();
    this.accepted.add(this.rank);
    this.proposal = { version: v, value };
    this.sendBegin();
    this.phaseDeadline = this.now + 2 * this.leaseTicks;
    if (this.accepted.size === this.quorum.length) this.commit();
  }

  private handleAccept(from: Rank, m: PaxosMessage): void {
    if (this.state !== 'updating' || m.pn !== this.pn || m.lastCommitted !== this.log.lastCommitted) return;
    this.accepted.add(from);
    if (this.accepted.size === this.quorum.length) this.commit();
  }

  private commit(): void {
    const v = this.log.lastCommitted + 1n;
    const value = this.log.value(v)!;
    this.commitValues([{ version: v, value }]);
    const commit = this.msg('commit', { values: [{ version: v, value }] });
    for (const r of this.peons()) this.hooks.send(r, commit);
    this.phaseDeadline = this.resendAt = Infinity;
    this.proposal = undefined;
    this.state = 'active';
    this.extendLease();
    this.hooks.active();
  }

  private extendLease(): void {
    this.leaseAcked.clear();
    this.leaseAcked.add(this.rank);
    const lease = this.msg('lease', { leaseTicks: this.leaseTicks });
    for (const r of this.peons()) this.hooks.send(r, lease);
    this.leaseRenewAt = this.now + Math.max(1, Math.floor((this.leaseTicks * 3) / 5));
    if (this.leaseAckDeadline === Infinity) this.leaseAckDeadline = this.now + 2 * this.leaseTicks;
  }

  private handleLeaseAck(from: Rank, m: PaxosMessage): void {
    if (m.lastCommitted < this.log.lastCommitted) {
      // The peon missed a commit (lost or overtaken by the lease): share what it lacks.
      if (m.lastCommitted + 1n >= this.log.firstCommitted) this.hooks.send(from, this.msg('commit', { values: this.log.valuesAfter(m.lastCommitted) }));
      return;
    }
    this.leaseAcked.add(from);
    if (this.leaseAcked.size === this.quorum.length) this.leaseAckDeadline = Infinity;
  }

  // ---- peon ----------------------------------------------------------------------------

  private handleCollect(from: Rank, m: PaxosMessage): void {
    this.state = 'recovering';
    if (m.firstCommitted > this.log.lastCommitted + 1n) {
      this.hooks.needSync(from);
      return;
    }
    if (m.pn > this.log.acceptedPn) this.hooks.write(this.log.pnTransaction('accepted_pn', m.pn));
    const values = this.log.valuesAfter(m.lastCommitted);
    const u = this.log.uncommitted();
    if (u !== undefined) values.push({ version: u.version, value: u.value });
    this.hooks.send(from, { ...this.msg('last'), pn: this.log.acceptedPn, values, uncommittedPn: u?.pn ?? 0n });
  }

  private handleBegin(from: Rank, m: PaxosMessage): void {
    const proposal = m.values[0];
    if (m.pn < this.log.acceptedPn || proposal === undefined) return;
    // A begin that does not extend my log (a commit was lost) is left to time out.
    if (m.lastCommitted !== this.log.lastCommitted || proposal.version !== m.lastCommitted + 1n) return;
    this.state = 'updating';
    this.hooks.write(this.log.acceptTransaction(proposal.version, proposal.value, m.pn));
    this.hooks.send(from, { ...this.msg('accept'), pn: m.pn });
  }

  private handleLease(from: Rank, m: PaxosMessage): void {
    // Paxos::handle_lease takes no lease for a version I do not have. Ceph then stays silent
    // and lets the leader's lease-ack timeout call an election; here the ack still goes back
    // carrying my last_committed, so the leader resends the commits I lost (a departure for
    // lossy links). Without them, the lease-ack timeout still calls the election.
    if (m.lastCommitted === this.log.lastCommitted) {
      this.state = 'active';
      this.leaseExpiresAt = this.now + m.leaseTicks;
      this.leaseTimeoutAt = this.now + 2 * this.leaseTicks;
    }
    this.hooks.send(from, this.msg('lease_ack'));
  }

  // ---- inputs ----------------------------------------------------------------------------

  step(from: Rank, m: PaxosMessage): void {
    if (m.epoch !== this.epoch || !this.quorum.includes(from)) return;
    if (this.role === 'leader') {
      if (m.op === 'last') this.handleLast(from, m);
      else if (m.op === 'accept') this.handleAccept(from, m);
      else if (m.op === 'lease_ack') this.handleLeaseAck(from, m);
      return;
    }
    if (this.role !== 'peon' || from !== this.leader) return;
    if (m.op === 'collect') this.handleCollect(from, m);
    else if (m.op === 'begin') this.handleBegin(from, m);
    else if (m.op === 'commit') this.commitValues(m.values);
    else if (m.op === 'lease') this.handleLease(from, m);
  }

  tick(now: number): void {
    this.now = now;
    if (this.role === 'leader') {
      if (now >= this.phaseDeadline || now >= this.leaseAckDeadline) {
        this.hooks.bootstrap();
        return;
      }
      if (this.state === 'active' && now >= this.leaseRenewAt) this.extendLease();
      if (now >= this.resendAt) {
        if (this.state === 'recovering') this.sendCollect();
        else if (this.state === 'updating') this.sendBegin();
      }
    } else if (this.role === 'peon' && now >= this.leaseTimeoutAt) {
      this.hooks.bootstrap();
    }
  }
}
