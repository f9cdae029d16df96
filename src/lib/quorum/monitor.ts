/**
 * MonitorNode: one monitor's pure core (Elector + Paxos + the OSDMap and MonMap services),
 * driven etcd-raft style. Inputs: tick(), step(from, msg), submit(request). Output: a Ready
 * holding the store batch to persist (synced) first, then the messages to send and the client
 * replies; advance() hands the next Ready over. The core applies its own writes to its store
 * view at once, so after a crash the host rebuilds an identical node from what it persisted.
 */
import type { UTime } from '../encoding/index.js';
import { mulberry32 } from '../random.js';
import { planPaxosTrim } from '../mon/paxos/trim.js';
import { TransactionBuilder, transactionToBytes, type Transaction } from '../store/transaction.js';
import type { ClientReply, ClientRequest, MonitorConfig, QuorumMessage, QuorumStatus, Rank, Ready, SyncMessage } from './api.js';
import { Elector } from './elector.js';
import { applyTransaction, getVersion, kvKey, type Kv } from './kv.js';
import { mkfsTransaction } from './mkfs.js';
import { Paxos } from './paxos.js';
import { encodeRequestLog, RequestLog } from './request-log.js';
import { RequestQueue, replyFor, requestKey, type Tracked } from './requests.js';
import type { Prepared } from '../mon/osd/command.js';
import { MonmapService, OsdmapService } from './services.js';
import { applySnapshotTransaction, syncSnapshot } from './sync.js';

export const MONITOR_PREFIX = 'monitor';
/** MonitorConfig's documented defaults (api.ts); the host runs with them (10 ms ticks: 500 ms, 300 ms). */
export const MONITOR_DEFAULTS = { electionTimeoutTicks: 50, leaseTicks: 30, paxosKeep: 500, osdmapKeep: 500, release: 16 } as const;

export interface MonitorOptions {
  /** Stamps map created/modified times; the core has no clock of its own. Default: zero time. */
  clock?: () => UTime;
}

export class MonitorNode {
  readonly rank: Rank;
  private readonly cfg: Required<Omit<MonitorConfig, 'rank'>>;
  readonly kv: Kv;
  private readonly elector: Elector;
  private readonly paxos: Paxos;
  private readonly osdmap: OsdmapService;
  private readonly monmap: MonmapService;
  private readonly requests = new RequestQueue();
  /** Committed request ids (from the store), so a retried request is not applied twice. */
  private readonly requestLog: RequestLog;
  /** Requests this monitor forwarded to the leader, by requestKey, with the tick they expire. */
  private readonly forwarded = new Map<string, { req: ClientRequest; expiresAt: number }>();
  private now = 0;
  private syncingFrom: Rank | undefined;
  private syncDeadline = Infinity;
  private readonly clock: () => UTime;

  private tx = new TransactionBuilder();
  private messages: Ready['messages'] = [];
  private replies: ClientReply[] = [];
  private handedOff = false;

  constructor(config: MonitorConfig, stored: Map<string, Uint8Array>, opts: MonitorOptions = {}) {
    this.rank = config.rank;
    this.cfg = { ...MONITOR_DEFAULTS, ...config };
    this.clock = opts.clock ?? (() => ({ sec: 0, nsec: 0 }));
    this.kv = new Map(stored);
    this.osdmap = new OsdmapService(this.kv, this.cfg.release);
    this.monmap = new MonmapService(this.kv);
    this.requestLog = new RequestLog(this.kv);
    const rng = mulberry32((config.seed ^ Math.imul(config.rank + 1, 0x9e3779b1)) >>> 0);
    const storedEpoch = Number(getVersion(this.kv, MONITOR_PREFIX, 'election_epoch') ?? 0n);
    this.paxos = new Paxos(this.rank, this.kv, this.cfg.leaseTicks, {
      write: (tx) => this.write(tx),
      send: (to, msg) => this.send(to, msg),
      committed: () => this.committed(),
      active: () => this.proposePending(),
      bootstrap: () => this.elector.restart(),
      needSync: (from) => this.startSync(from),
    });
    this.elector = new Elector(this.rank, config.names.length, storedEpoch, this.cfg.electionTimeoutTicks, rng, {
      persistEpoch: (e) => this.write(new TransactionBuilder().putVersion(MONITOR_PREFIX, 'election_epoch', BigInt(e)).tx),
      send: (to, msg) => this.send(to, msg),
      won: (epoch, quorum) => this.paxos.leaderInit(epoch, quorum, this.now),
      lost: (epoch, leader, quorum) => this.paxos.peonInit(epoch, leader, quorum, this.now),
      left: () => this.leaveQuorum(),
    });
    if (!this.kv.has(kvKey(MONITOR_PREFIX, 'magic'))) this.write(mkfsTransaction());
    this.elector.init(0);
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private write(tx: Transaction): void {
    applyTransaction(this.kv, tx);
    this.tx.append(tx);
  }

  private send(to: Rank, msg: QuorumMessage): void {
    if (to !== this.rank) this.messages.push({ to, msg });
  }

  private reply(t: Tracked, fields: Omit<ClientReply, 'clientId' | 'reqId'>): void {
    const r = replyFor(t, fields);
    if (t.via === this.rank) this.replies.push(r);
    else this.send(t.via, { type: 'route', reply: r });
  }

  hasReady(): boolean {
    return !this.handedOff && (this.tx.tx.ops.length > 0 || this.messages.length > 0 || this.replies.length > 0);
  }

  ready(): Ready {
    const r: Ready = { messages: this.messages, replies: this.replies };
    if (this.tx.tx.ops.length > 0) r.transaction = this.tx.tx;
    this.tx = new TransactionBuilder();
    this.messages = [];
    this.replies = [];
    this.handedOff = true;
    return r;
  }

  advance(): void {
    this.handedOff = false;
  }

  // ---- inputs ------------------------------------------------------------------------------

  tick(): void {
    this.now++;
    if (this.forwarded.size > 0) this.expireForwarded(this.now, 'EAGAIN: no answer from the leader; the outcome is unknown, retry');
    if (this.syncingFrom !== undefined) {
      if (this.now >= this.syncDeadline) this.finishSync();
      return;
    }
    this.elector.tick(this.now);
    this.paxos.tick(this.now);
  }

  step(from: Rank, msg: QuorumMessage): void {
    if (from === this.rank || from < 0 || from >= this.cfg.names.length) return;
    switch (msg.type) {
      case 'election':
        if (this.syncingFrom === undefined) this.elector.step(from, msg);
        return;
      case 'paxos':
        if (this.syncingFrom === undefined) this.paxos.step(from, msg);
        return;
      case 'sync':
        this.handleSync(from, msg);
        return;
      case 'forward':
        this.accept({ request: msg.request, via: from });
        return;
      case 'route': {
        const key = requestKey(msg.reply);
        if (this.forwarded.delete(key)) this.replies.push(msg.reply);
        return;
      }
    }
  }

  submit(req: ClientRequest): void {
    if (this.elector.inQuorum && this.elector.leader === this.rank) {
      this.accept({ request: req, via: this.rank });
    } else if (this.elector.inQuorum && this.elector.leader >= 0) {
      // MForward rides a lossless session in Ceph; here a lost forward or route must not
      // leave the client waiting forever: unanswered, it fails retryable after a while.
      this.forwarded.set(requestKey(req), { req, expiresAt: this.now + 4 * this.cfg.leaseTicks });
      this.send(this.elector.leader, { type: 'forward', request: req });
    } else {
      this.replies.push({ clientId: req.clientId, reqId: req.reqId, ok: false, error: 'EAGAIN: no quorum', ...(this.elector.leader >= 0 ? { leader: this.elector.leader } : {}) });
    }
  }

  // ---- the leader's proposals ---------------------------------------------------------------

  private accept(t: Tracked): void {
    if (!(this.elector.inQuorum && this.elector.leader === this.rank)) {
      this.reply(t, { ok: false, error: 'EAGAIN: not the leader', ...(this.elector.leader >= 0 ? { leader: this.elector.leader } : {}) });
      return;
    }
    if (this.answeredFromLog(t)) return;
    const pending = this.requests.find(t.request);
    if (pending !== undefined) {
      // A retry of a request still on its way: answer it where the client now waits.
      pending.via = t.via;
      return;
    }
    this.requests.queued.push(t);
    // Idle: propose at once. A proposal of mine in flight: prepare on top of it now, so the
    // next proposal is ready when this one commits (Ceph waits; the result is the same).
    if (this.paxos.isActiveLeader()) this.proposePending();
    else if (this.osdmap.proposalInFlight) this.prepareQueued(this.clock());
  }

  /** A request already committed (a retry) gets its first result again; true if so. */
  private answeredFromLog(t: Tracked): boolean {
    const done = this.requestLog.lookup(t.request, this.osdmap.epoch);
    if (done === undefined) return false;
    this.reply(t, { ok: true, epoch: done.epoch, ...(done.result === undefined ? {} : { result: done.result }) });
    return true;
  }

  /** Paxos is active: build the next value from everything pending and propose it. */
  private proposePending(): void {
    if (!this.paxos.isActiveLeader()) return;
    const tx = new TransactionBuilder();
    const now = this.clock();
    if (this.monmap.epoch === 0) {
      this.monmap.encodeInitial(tx, this.cfg.fsid, this.cfg.names, this.cfg.addrs, now, this.cfg.release);
      this.osdmap.createInitial(this.cfg.fsid, now);
    } else {
      this.prepareQueued(now);
    }
    const epoch = this.osdmap.hasPending() ? this.osdmap.encodePending(tx) : this.osdmap.epoch;
    if (epoch > this.osdmap.epoch) encodeRequestLog(tx, epoch, this.requests.prepared.map((t) => ({ ...t.request, result: t.result })));
    if (tx.tx.ops.length > 0) {
      if (this.osdmap.epoch > 0) this.osdmap.encodeTrim(tx, this.cfg.osdmapKeep, trimMin(this.cfg.osdmapKeep));
      this.encodePaxosTrim(tx);
    }
    if (tx.tx.ops.length === 0) return;
    this.requests.inFlight.push(...this.requests.prepared);
    this.requests.prepared = [];
    for (const t of this.requests.inFlight) t.epoch ??= epoch;
    this.requests.version = this.paxos.log.lastCommitted + 1n;
    this.paxos.propose(transactionToBytes(tx.tx));
  }

  private prepareQueued(now: UTime): void {
    const waiting: Tracked[] = [];
    for (const t of this.requests.queued) {
      // Asked again here, not only on arrival: a request queued while this leader was still
      // recovering may be in the value that recovery has since committed (a retry of a
      // proposal the previous leader never acknowledged).
      if (this.answeredFromLog(t)) continue;
      let r: Prepared;
      try {
        r = this.osdmap.prepare(t.request.mutation, now);
      } catch (e) {
        // A change the map cannot take (prepare has undone it): refused, never a dead monitor.
        r = { ok: false, error: `EINVAL: ${(e as Error).message}` };
      }
      if (!r.ok && r.retry) waiting.push(t);
      else if (!r.ok) this.reply(t, { ok: false, error: r.error, epoch: this.osdmap.epoch });
      else if (!r.changed) this.reply(t, { ok: true, epoch: this.osdmap.epoch, result: r.result });
      else this.requests.prepared.push({ ...t, result: r.result });
    }
    this.requests.queued = waiting;
  }

  /** Paxos::trim rides in the next proposal, so every monitor trims the same versions. */
  private encodePaxosTrim(tx: TransactionBuilder): void {
    const log = this.paxos.log;
    const first = log.firstCommitted;
    const last = log.lastCommitted;
    const keep = BigInt(this.cfg.paxosKeep);
    if (first === 0n || last - first <= keep + BigInt(trimMin(this.cfg.paxosKeep))) return;
    const plan = planPaxosTrim({ firstCommitted: first, lastCommitted: last, keep: keep + 1n, compactOnTrim: true });
    if (plan) tx.append(plan.transaction);
  }

  /** update_from_paxos for every service, then answer the requests of that proposal. */
  private committed(): void {
    const local = new TransactionBuilder();
    this.osdmap.localWrites(local);
    if (local.tx.ops.length > 0) this.write(local.tx);
    this.osdmap.refresh();
    this.monmap.refresh();
    if (this.requests.prepared.length > 0 && !this.osdmap.hasPending()) {
      // Prepared on a proposal that is not what committed: prepare them again.
      this.requests.queued.unshift(...this.requests.prepared);
      this.requests.prepared = [];
    }
    if (this.requests.inFlight.length > 0 && this.paxos.log.lastCommitted >= this.requests.version) {
      for (const t of this.requests.inFlight) {
        this.reply(t, { ok: true, epoch: t.epoch, ...(t.result === undefined ? {} : { result: t.result }) });
      }
      this.requests.inFlight = [];
    }
  }

  private leaveQuorum(): void {
    this.paxos.stop();
    this.osdmap.dropPending();
    this.osdmap.refresh();
    for (const t of this.requests.drain()) this.reply(t, { ok: false, error: 'EAGAIN: leader changed; the outcome is unknown, retry' });
    this.expireForwarded(Infinity, 'EAGAIN: quorum changed; the outcome is unknown, retry');
  }

  private expireForwarded(now: number, error: string): void {
    for (const [key, { req, expiresAt }] of this.forwarded) {
      if (expiresAt > now) continue;
      this.forwarded.delete(key);
      this.replies.push({ clientId: req.clientId, reqId: req.reqId, ok: false, error });
    }
  }

  // ---- sync ----------------------------------------------------------------------------------

  private startSync(from: Rank): void {
    this.leaveQuorum();
    this.syncingFrom = from;
    this.syncDeadline = this.now + 2 * this.cfg.electionTimeoutTicks;
    this.send(from, { type: 'sync', op: 'request', epoch: this.elector.epoch, entries: [] });
  }

  private handleSync(from: Rank, msg: SyncMessage): void {
    if (msg.op === 'request') {
      if (this.paxos.log.lastCommitted > 0n) this.send(from, { type: 'sync', op: 'snapshot', epoch: this.elector.epoch, entries: syncSnapshot(this.kv) });
      return;
    }
    if (from !== this.syncingFrom) return;
    this.write(applySnapshotTransaction(this.kv, msg.entries));
    this.osdmap.dropPending();
    this.osdmap.refresh();
    this.monmap.refresh();
    this.finishSync();
  }

  private finishSync(): void {
    this.syncingFrom = undefined;
    this.syncDeadline = Infinity;
    this.elector.restart();
  }

  // ---- status --------------------------------------------------------------------------------

  status(): QuorumStatus {
    const e = this.elector;
    const quorum = e.inQuorum ? [...e.quorum] : [];
    let state: QuorumStatus['state'] = e.inQuorum ? (e.leader === this.rank ? 'leader' : 'peon') : 'electing';
    if (this.syncingFrom !== undefined) state = 'synchronizing';
    const mm = this.monmap.map;
    return {
      rank: this.rank,
      state,
      election_epoch: e.epoch,
      quorum,
      quorum_names: quorum.map((r) => this.cfg.names[r]!),
      ...(e.inQuorum && e.leader >= 0 ? { quorum_leader_name: this.cfg.names[e.leader]! } : {}),
      monmap: {
        epoch: mm?.epoch ?? 0,
        fsid: mm?.fsid ?? this.cfg.fsid,
        mons: this.cfg.names.map((name, rank) => ({ rank, name, addr: this.cfg.addrs[rank] ?? '' })),
      },
      paxos: { first_committed: Number(this.paxos.log.firstCommitted), last_committed: Number(this.paxos.log.lastCommitted) },
      osdmap_epoch: this.osdmap.epoch,
    };
  }

  /** The leader rank this monitor follows (−1 outside a quorum). */
  get leader(): Rank {
    return this.elector.inQuorum ? this.elector.leader : -1;
  }

  get electionEpoch(): number {
    return this.elector.epoch;
  }

  /** Paxos::is_readable: the leader while not recovering, a peon while its lease lasts. */
  get readable(): boolean {
    return this.elector.inQuorum && this.paxos.isLeaseValid();
  }

  get paxosState(): string {
    return this.paxos.role === 'none' ? 'none' : `${this.paxos.role}:${this.paxos.state}`;
  }
}

/** paxos_trim_min / paxos_service_trim_min scaled to the kept count (250 for Ceph's 500). */
function trimMin(keep: number): number {
  return Math.max(1, Math.floor(keep / 2));
}
