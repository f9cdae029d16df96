/**
 * One monitor's host: the disk, the sockets and the clock around the pure MonitorNode.
 *
 * The loop is etcd-raft's: whenever a tick, a peer message or a client request may have
 * produced work, drain every Ready in turn — persist its transaction as one synced atomic
 * batch, THEN send its messages to the peers, THEN answer its clients, then advance() (the
 * order test/unit/quorum-host/host-loop.test.ts checks call by call). Inputs that arrive
 * while a batch is being synced are stepped into the node at once and come out in the next
 * Ready, so one fsync covers everything that queued up behind it (batching). A trim's
 * compaction runs after its batch is synced, in the background, as Ceph's MonitorDBStore
 * does: it changes no key, and a commit must not wait tens of milliseconds behind it.
 */
import { appendFile } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { ClientReply, MonitorConfig, QuorumMessage, QuorumStatus, Rank } from '../api.js';
import type { MonStore } from '../../store/index.js';
import { MONITOR_DEFAULTS } from '../monitor.js';
import type { QuorumCodec, QuorumNode } from './node-types.js';

export type { QuorumCodec, QuorumNode } from './node-types.js';
import { clusterRelease, monAddr, type Cluster } from './cluster.js';
import { AuthError, Conn } from './connection.js';
import { FRAME, type Frame } from './frame.js';
import { parseClientRequest, parseJsonPayload, toJsonBytes } from './wire.js';

/** A tick is 10 ms of wall time (the core counts ticks, never reads a clock). */
export const TICK_MS = 10;
const REDIAL_MS = 100;
const MAX_CATCH_UP_TICKS = 10;
const MAX_QUEUED_PER_PEER = 1024;

/**
 * MONCTL_QUORUM_TRACE=<file>: every input, persist and output with a wall-clock time in µs
 * (comparable across the monitor processes), buffered and appended once per tick, to break
 * one mutation's latency down hop by hop. Off (no cost but a branch) unless set.
 */
const TRACE_FILE = process.env.MONCTL_QUORUM_TRACE;
const traceLines: string[] = [];
function trace(rank: Rank, what: string): void {
  traceLines.push(`${Math.round((performance.timeOrigin + performance.now()) * 1000)} ${rank} ${what}`);
}
function flushTrace(): void {
  if (TRACE_FILE === undefined || traceLines.length === 0) return;
  appendFile(TRACE_FILE, traceLines.join('\n') + '\n', () => {});
  traceLines.length = 0;
}
const describeMsg = (m: QuorumMessage): string => (m.type === 'paxos' || m.type === 'election' || m.type === 'sync' ? `${m.type}.${m.op}` : m.type);

/** What the host needs from the core (MonitorNode satisfies it). */
export interface HostOptions {
  cluster: Cluster;
  rank: Rank;
  store: MonStore;
  createNode(config: MonitorConfig, stored: Map<string, Uint8Array>): QuorumNode;
  codec: QuorumCodec;
  log(line: string): void;
  /** A failed disk write: the monitor must not go on (Ceph asserts). */
  onFatal(err: unknown): void;
}

interface Peer {
  conn?: Conn;
  dialing: boolean;
  queue: Buffer[];
  lastDial: number;
  /** The last dial was refused for our secret (logged once until a dial gets further). */
  authRefused?: boolean;
}

/**
 * Timeouts in 10 ms ticks: a 300 ms lease and a 500 ms election timeout (MonitorConfig's
 * documented defaults, one table in monitor.ts) put a new leader in place about a second
 * after the old one dies.
 */
export const ELECTION_TIMEOUT_TICKS = MONITOR_DEFAULTS.electionTimeoutTicks;
export const LEASE_TICKS = MONITOR_DEFAULTS.leaseTicks;

/** The MonitorConfig of rank `rank` in a cluster. */
export function monitorConfigOf(cluster: Cluster, rank: Rank): MonitorConfig {
  const { names, ports, fsid, seed } = cluster.config;
  return {
    rank,
    names,
    addrs: ports.map(monAddr),
    fsid,
    seed: (seed + rank * 0x9e3779b1) >>> 0,
    electionTimeoutTicks: ELECTION_TIMEOUT_TICKS,
    leaseTicks: LEASE_TICKS,
    release: clusterRelease(cluster),
  };
}

/** Every `prefix\0key` → value of the store: what a MonitorNode starts from. */
export async function loadStored(store: MonStore): Promise<Map<string, Uint8Array>> {
  const stored = new Map<string, Uint8Array>();
  for await (const chunk of store.chunks()) for (const e of chunk) stored.set(`${e.prefix}\0${e.key}`, e.value);
  return stored;
}

export class MonitorHost {
  private node!: QuorumNode;
  private server?: Server;
  private ticker?: NodeJS.Timeout;
  private readonly peers = new Map<Rank, Peer>();
  private readonly inbound = new Set<Conn>();
  /** Where each client's replies go: the connection it last submitted on. */
  private readonly clients = new Map<string, Conn>();
  private drainScheduled = false;
  private draining = false;
  private stopping = false;
  private ticks = 0;
  private lastTickAt = 0;
  private lastState = '';
  private readonly name: string;

  constructor(private readonly o: HostOptions) {
    this.name = o.cluster.config.names[o.rank]!;
  }

  get port(): number {
    return this.o.cluster.config.ports[this.o.rank]!;
  }

  async start(): Promise<void> {
    this.node = this.o.createNode(monitorConfigOf(this.o.cluster, this.o.rank), await loadStored(this.o.store));
    await new Promise<void>((resolve, reject) => {
      const srv = createServer((socket) => this.accept(socket));
      srv.once('error', reject);
      srv.listen(this.port, '127.0.0.1', () => {
        srv.off('error', reject);
        srv.on('error', (e) => this.o.log(`listener error: ${e.message}`));
        resolve();
      });
      this.server = srv;
    });
    this.o.cluster.config.names.forEach((_, r) => {
      if (r !== this.o.rank) this.peers.set(r, { dialing: false, queue: [], lastDial: 0 });
    });
    for (const r of this.peers.keys()) this.dial(r);
    this.lastTickAt = performance.now();
    this.ticker = setInterval(() => this.onTick(), TICK_MS);
    this.o.log(`listening on ${monAddr(this.port)} as rank ${this.o.rank}`);
  }

  status(): QuorumStatus {
    return this.node.status();
  }

  /** Closes sockets and waits for an in-flight batch; the caller closes the store. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const c of this.inbound) c.close('monitor stopping');
    for (const p of this.peers.values()) p.conn?.close('monitor stopping');
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    for (let i = 0; i < 500 && this.draining; i++) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Ticks follow wall time: a timer that fires late (a busy machine) delivers the ticks it
   * owes, up to MAX_CATCH_UP_TICKS at once, so a 300 ms lease stays about 300 ms.
   */
  private onTick(): void {
    const now = performance.now();
    const owed = Math.min(MAX_CATCH_UP_TICKS, Math.max(1, Math.floor((now - this.lastTickAt) / TICK_MS)));
    this.lastTickAt = owed === MAX_CATCH_UP_TICKS ? now : this.lastTickAt + owed * TICK_MS;
    for (let i = 0; i < owed; i++) this.node.tick();
    flushTrace();
    if ((this.ticks += owed) % 10 < owed) this.logStateChange();
    for (const [r, p] of this.peers) if (!p.conn && !p.dialing && Date.now() - p.lastDial >= REDIAL_MS) this.dial(r);
    this.kick();
  }

  private logStateChange(): void {
    const s = this.node.status();
    const line = `${s.state} election_epoch ${s.election_epoch} quorum [${s.quorum.join(',')}] leader ${s.quorum_leader_name ?? '-'}`;
    if (line !== this.lastState) this.o.log((this.lastState = line));
  }

  /** Drains Ready soon (after the inputs already queued in this turn are stepped). */
  private kick(): void {
    if (this.drainScheduled || this.stopping) return;
    this.drainScheduled = true;
    setImmediate(() => {
      if (TRACE_FILE) trace(this.o.rank, 'drain');
      this.drainScheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.stopping && this.node.hasReady()) {
        const rd = this.node.ready();
        if (TRACE_FILE) trace(this.o.rank, `ready ops=${rd.transaction?.ops.length ?? 0} msgs=${rd.messages.length} replies=${rd.replies.length}`);
        if (rd.transaction && rd.transaction.ops.length > 0) await this.o.store.apply(rd.transaction, { backgroundCompaction: true });
        if (TRACE_FILE) trace(this.o.rank, 'persisted');
        // etcd-raft's order (rawnode.go's Ready contract): what the batch holds is on disk
        // before any message that depends on it leaves (a peon's accept promises a value it
        // has stored; Ceph's Paxos::handle_begin also writes before it sends the accept), and
        // a client hears of a commit only after the peers were told of it.
        const encoded = new Map<QuorumMessage, Uint8Array>(); // one encoding per message sent to several peers
        // A Ready's frames to one peer (a commit and the lease after it) leave in one write:
        // one syscall here and one wake-up there instead of one per frame.
        for (const p of this.peers.values()) p.conn?.cork();
        for (const m of rd.messages) {
          let payload = encoded.get(m.msg);
          if (payload === undefined) encoded.set(m.msg, (payload = this.o.codec.encodeMessage(m.msg)));
          this.sendPeer(m.to, m.msg, payload);
        }
        for (const p of this.peers.values()) p.conn?.uncork();
        for (const r of rd.replies) this.reply(r);
        this.node.advance();
      }
    } catch (e) {
      this.o.onFatal(e);
    } finally {
      this.draining = false;
    }
  }

  private sendPeer(to: Rank, msg: QuorumMessage, payload: Uint8Array): void {
    const p = this.peers.get(to);
    if (p === undefined) return;
    if (TRACE_FILE) trace(this.o.rank, `send ${to} ${describeMsg(msg)} ${payload.length}B`);
    if (p.conn?.isOpen) {
      p.conn.send(FRAME.QUORUM, payload);
      return;
    }
    // Not connected yet: keep a bounded queue for the dial in progress; the core's
    // timeouts cover anything dropped (messages are lossy, like Ceph's lossy peers).
    if (p.queue.length < MAX_QUEUED_PER_PEER) p.queue.push(Buffer.from(payload));
    if (!p.dialing) this.dial(to);
  }

  private reply(r: ClientReply): void {
    const conn = this.clients.get(r.clientId);
    if (TRACE_FILE) trace(this.o.rank, `reply ${r.reqId}`);
    if (conn?.isOpen) conn.send(FRAME.REPLY, toJsonBytes(r));
  }

  private dial(rank: Rank): void {
    const p = this.peers.get(rank)!;
    if (p.dialing || this.stopping) return;
    p.dialing = true;
    p.lastDial = Date.now();
    Conn.dial(this.o.cluster.config.ports[rank]!, this.o.cluster.secret, { role: 'peer', rank: this.o.rank }, {
      onFrame: (c) => c.close('a peer sent frames on an outgoing connection'),
      onClose: (_c, reason) => {
        if (p.conn !== undefined) this.o.log(`lost mon.${this.o.cluster.config.names[rank]}: ${reason}`);
        p.conn = undefined;
        p.queue = [];
      },
    }).then(
      (conn) => {
        p.dialing = false;
        if (this.stopping) return conn.close('monitor stopping');
        p.authRefused = false;
        p.conn = conn;
        for (const b of p.queue) conn.send(FRAME.QUORUM, b);
        p.queue = [];
      },
      (e: unknown) => {
        p.dialing = false;
        p.queue = [];
        // A peer with another secret refuses every redial: say so once, not every 100 ms.
        if (e instanceof AuthError && !p.authRefused) this.o.log(`mon.${this.o.cluster.config.names[rank]} refused our HMAC: ${e.message}`);
        p.authRefused = e instanceof AuthError;
      },
    );
  }

  private accept(socket: Socket): void {
    if (this.stopping) return void socket.destroy();
    const conn = Conn.accept(socket, this.o.cluster.secret, {
      onAuthed: (c) => {
        const { role, rank } = c.claim!;
        if (role === 'peer' && (rank === this.o.rank || !this.peers.has(rank))) return c.close(`peer claims rank ${rank}, not a peer of rank ${this.o.rank}`);
        this.inbound.add(c);
      },
      onFrame: (c, f) => this.onFrame(c, f),
      onClose: (c, reason) => {
        this.inbound.delete(c);
        for (const [id, conn] of this.clients) if (conn === c) this.clients.delete(id);
        // A peer or client that authenticated and hung up is normal; anything else is logged.
        if (c.claim === undefined || !/closed by the other side|monitor stopping/.test(reason)) this.o.log(`closed connection from ${c.label}: ${reason}`);
      },
    });
    this.inbound.add(conn);
  }

  private onFrame(c: Conn, f: Frame): void {
    const claim = c.claim!;
    try {
      if (claim.role === 'peer' && f.kind === FRAME.QUORUM) {
        const msg = this.o.codec.decodeMessage(f.payload);
        if (TRACE_FILE) trace(this.o.rank, `recv ${claim.rank} ${describeMsg(msg)}`);
        this.node.step(claim.rank, msg);
        if (TRACE_FILE) trace(this.o.rank, `stepped`);
      } else if (claim.role === 'client' && f.kind === FRAME.REQUEST) {
        const req = parseClientRequest(f.payload);
        this.clients.set(req.clientId, c);
        if (TRACE_FILE) trace(this.o.rank, `request ${req.reqId}`);
        this.node.submit(req);
        if (TRACE_FILE) trace(this.o.rank, `submitted`);
      } else if (claim.role === 'client' && f.kind === FRAME.STATUS) {
        const { id } = parseJsonPayload(f.payload) as { id?: unknown };
        c.send(FRAME.STATUS_REPLY, toJsonBytes({ id, status: { ...this.node.status(), name: this.name, pid: process.pid } }));
        return;
      } else {
        return c.close(`unexpected frame kind 0x${f.kind.toString(16)} from a ${claim.role}`);
      }
    } catch (e) {
      return c.close(`malformed ${claim.role} frame: ${(e as Error).message}`);
    }
    this.kick();
  }
}
