/**
 * The client the CLI uses: authenticates to the monitors, submits a mutation, and waits for
 * the ack the leader sends after the commit. A lost connection, a timeout or a redirect sends
 * the SAME (clientId, reqId) again to the next monitor, so a mutation the old leader already
 * committed is answered from the core's dedupe table instead of being applied twice.
 */
import { randomUUID } from 'node:crypto';
import type { ClientReply, Mutation, QuorumStatus, Rank } from '../api.js';
import { MonctlError } from '../../errors.js';
import type { Cluster } from './cluster.js';
import { AuthError, Conn } from './connection.js';
import { FRAME, type Frame } from './frame.js';
import { parseClientReply, parseJsonPayload, toJsonBytes } from './wire.js';

export interface MonitorStatus extends QuorumStatus {
  name: string;
  pid: number;
}

export interface ClientOptions {
  /** Give up on a mutation (or a status) after this long. Default 15 s. */
  timeoutMs?: number;
  /** One attempt on one monitor before trying the next. Default 2 s. */
  attemptMs?: number;
}

interface Waiter {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** The core answers "not now, ask again" with EAGAIN (no quorum, not the leader, leader changed). */
const RETRYABLE = /^EAGAIN\b/;
/** …and says when a retried mutation may already have been applied. */
const OUTCOME_UNKNOWN = /outcome is unknown/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class QuorumClient {
  readonly clientId = randomUUID();
  private nextReqId = 1;
  private nextStatusId = 1;
  private readonly conns = new Map<Rank, Promise<Conn>>();
  private readonly waiters = new Map<Conn, Map<string, Waiter>>();
  private leaderHint: Rank = 0;
  /**
   * Attempts whose outcome was unknown (connection lost or timed out after sending, or the
   * leader changed mid-proposal) and were retried with the same (clientId, reqId). The
   * leader answers such a retry from the committed request log (request-log.ts) for 500
   * osdmap epochs, so it is applied once.
   */
  ambiguousRetries = 0;
  private readonly timeoutMs: number;
  private readonly attemptMs: number;

  constructor(
    private readonly cluster: Cluster,
    opts: ClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.attemptMs = opts.attemptMs ?? 2_000;
  }

  get size(): number {
    return this.cluster.config.names.length;
  }

  /** Submits one mutation; resolves with the committed reply (ok, epoch). */
  async submit(mutation: Mutation): Promise<ClientReply> {
    const reqId = this.nextReqId++;
    const deadline = Date.now() + this.timeoutMs;
    let target = this.leaderHint;
    let lastProblem = 'no monitor answered';
    while (Date.now() < deadline) {
      let reply: ClientReply;
      try {
        const conn = await this.connect(target);
        reply = (await this.request(conn, `r${reqId}`, FRAME.REQUEST, { clientId: this.clientId, reqId, mutation }, Math.min(this.attemptMs, deadline - Date.now()))) as ClientReply;
      } catch (e) {
        if (e instanceof AuthError) throw authFailed(this.cluster, this.cluster.config.names[target]!, e);
        if ((e as { sent?: boolean }).sent) this.ambiguousRetries++;
        lastProblem = `mon.${this.cluster.config.names[target]}: ${(e as Error).message}`;
        target = (target + 1) % this.size;
        await sleep(20);
        continue;
      }
      if (reply.ok) {
        this.leaderHint = reply.leader ?? target;
        return reply;
      }
      lastProblem = reply.error ?? 'refused';
      if (RETRYABLE.test(lastProblem)) {
        if (OUTCOME_UNKNOWN.test(lastProblem)) this.ambiguousRetries++;
        // Go to the leader it names; without one (an election), wait and try the next monitor.
        if (reply.leader !== undefined && reply.leader !== target) target = reply.leader;
        else {
          target = (target + 1) % this.size;
          await sleep(50);
        }
      } else {
        throw new MonctlError('MUTATION_REJECTED', `${mutation.op}: ${lastProblem}`, {
          actions: ['Check the command\'s arguments against `monctl osdmap print --store <cluster>/mon.a` after `monctl quorum down`, or `monctl quorum status`.'],
        });
      }
    }
    throw unavailable(this.cluster, `no commit acknowledged within ${this.timeoutMs} ms (${lastProblem})`);
  }

  /** The status one monitor reports (its own view of the quorum). */
  async status(rank: Rank): Promise<MonitorStatus> {
    const conn = await this.connect(rank);
    const id = this.nextStatusId++;
    const r = (await this.request(conn, `s${id}`, FRAME.STATUS, { id }, this.attemptMs)) as { status: MonitorStatus };
    return r.status;
  }

  /**
   * Every monitor's status, or why it did not answer. A monitor that refuses our secret makes
   * the whole call fail with QUORUM_AUTH_FAILED: every other answer would be a guess.
   */
  async statusAll(): Promise<Array<{ rank: Rank; name: string; status?: MonitorStatus; error?: string }>> {
    const answers = await Promise.all(
      this.cluster.config.names.map(async (name, rank) => {
        try {
          return { rank, name, status: await this.status(rank) };
        } catch (e) {
          return { rank, name, error: (e as Error).message, auth: e instanceof AuthError ? e : undefined };
        }
      }),
    );
    const refused = answers.find((a) => a.auth !== undefined);
    if (refused?.auth) throw authFailed(this.cluster, refused.name, refused.auth);
    return answers.map(({ auth: _auth, ...a }) => a);
  }

  close(): void {
    for (const p of this.conns.values()) p.then((c) => c.close('client done'), () => {});
    this.conns.clear();
  }

  private connect(rank: Rank): Promise<Conn> {
    let p = this.conns.get(rank);
    if (p === undefined) {
      p = Conn.dial(this.cluster.config.ports[rank]!, this.cluster.secret, { role: 'client', rank: 0 }, {
        onFrame: (c, f) => this.onFrame(c, f),
        onClose: (c, reason) => {
          this.conns.delete(rank);
          const ws = this.waiters.get(c);
          this.waiters.delete(c);
          for (const w of ws?.values() ?? []) w.reject(new Error(`connection lost: ${reason}`));
        },
      });
      this.conns.set(rank, p);
      p.catch(() => this.conns.delete(rank));
    }
    return p;
  }

  private request(conn: Conn, key: string, kind: number, body: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let ws = this.waiters.get(conn);
      if (ws === undefined) this.waiters.set(conn, (ws = new Map()));
      // Failing after the request left: its outcome is unknown (`sent`).
      const sentError = (message: string): Error => Object.assign(new Error(message), { sent: true });
      const timer = setTimeout(() => {
        ws.delete(key);
        reject(sentError(`no answer within ${timeoutMs} ms`));
      }, Math.max(1, timeoutMs));
      ws.set(key, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(sentError(e.message))),
      });
      if (!conn.send(kind, toJsonBytes(body)) && !conn.isOpen) {
        clearTimeout(timer);
        ws.delete(key);
        reject(new Error('connection closed'));
      }
    });
  }

  private onFrame(conn: Conn, f: Frame): void {
    let key: string;
    let value: unknown;
    try {
      if (f.kind === FRAME.REPLY) {
        const r = parseClientReply(f.payload);
        if (r.clientId !== this.clientId) return;
        key = `r${r.reqId}`;
        value = r;
      } else if (f.kind === FRAME.STATUS_REPLY) {
        const r = parseJsonPayload(f.payload) as { id: number };
        key = `s${r.id}`;
        value = r;
      } else {
        return conn.close(`unexpected frame kind 0x${f.kind.toString(16)} from a monitor`);
      }
    } catch (e) {
      return conn.close(`malformed frame from a monitor: ${(e as Error).message}`);
    }
    const ws = this.waiters.get(conn);
    const w = ws?.get(key);
    ws?.delete(key);
    w?.resolve(value);
  }
}

export function authFailed(cluster: Cluster, name: string, e: AuthError): MonctlError {
  return new MonctlError('QUORUM_AUTH_FAILED', `mon.${name} of ${cluster.dir} refused to authenticate: ${e.message}`, {
    cause: e,
    actions: [
      `The secret in ${cluster.dir}/secret is not the one the running monitors started with (the file was replaced or another cluster uses these ports).`,
      'Restore the original secret file, or stop the monitors (`monctl quorum down`) and start them again so they read this one.',
    ],
  });
}

/** Nothing of the cluster runs: say how to start it (not to look at a status there is none of). */
export function clusterStopped(cluster: Cluster): MonctlError {
  return new MonctlError('QUORUM_UNAVAILABLE', `no monitor of the cluster in ${cluster.dir} is running`, {
    actions: [
      `Start the cluster with \`monctl quorum up --detach --dir ${cluster.dir}\`, or one monitor with \`monctl quorum start NAME --cluster ${cluster.dir}\` (names: ${cluster.config.names.join(', ')}).`,
    ],
  });
}

export function unavailable(cluster: Cluster, why: string): MonctlError {
  return new MonctlError('QUORUM_UNAVAILABLE', `the quorum in ${cluster.dir} did not answer: ${why}`, {
    actions: ['Check `monctl quorum status`; start stopped monitors with `monctl quorum start NAME` or the cluster with `monctl quorum up --detach`.'],
  });
}
