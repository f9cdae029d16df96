/**
 * Client requests on their way through the leader: queued, then prepared into the pending
 * incremental — at once when the leader is idle (it proposes them), on top of its proposal in
 * flight when there is one (so everything that arrives during a round batches into the next
 * epoch, ready the moment the round commits) — then in flight, answered when that proposal
 * commits. Each remembers which monitor it came through so the answer is routed back
 * (MForward / MRoute). A retried (clientId, reqId) already here is not queued twice.
 */
import type { ClientReply, ClientRequest, Rank } from './api.js';

export interface Tracked {
  request: ClientRequest;
  /** The monitor the client talks to (the leader itself, or the peon that forwarded it). */
  via: Rank;
  result?: unknown;
  /** The osdmap epoch its proposal creates. */
  epoch?: number;
}

export class RequestQueue {
  /** Waiting for the next proposal. */
  queued: Tracked[] = [];
  /** Prepared into the pending incremental (on top of the proposal in flight, if any). */
  prepared: Tracked[] = [];
  /** Prepared into the proposal of paxos version `version`. */
  inFlight: Tracked[] = [];
  version = 0n;

  /** The request with this id already queued or in flight (a client's retry of it). */
  find(r: { clientId: string; reqId: number }): Tracked | undefined {
    const match = (t: Tracked): boolean => t.request.reqId === r.reqId && t.request.clientId === r.clientId;
    return this.inFlight.find(match) ?? this.prepared.find(match) ?? this.queued.find(match);
  }

  /** Everything this leader holds, failed with `error` (leadership lost): the client retries. */
  drain(): Tracked[] {
    const all = [...this.inFlight, ...this.prepared, ...this.queued];
    this.queued = [];
    this.prepared = [];
    this.inFlight = [];
    return all;
  }
}

export function replyFor(t: Tracked, fields: Omit<ClientReply, 'clientId' | 'reqId'>): ClientReply {
  return { clientId: t.request.clientId, reqId: t.request.reqId, ...fields };
}

/** The key a peon files a forwarded request under, to know whose reply a route carries. */
export const requestKey = (r: { clientId: string; reqId: number }): string => `${r.clientId}#${r.reqId}`;
