/**
 * Which client requests already committed, so a retried (clientId, reqId) is answered with
 * its first result instead of being applied again (an `osd create` retried after the leader
 * died between commit and ack must not make a second OSD). Ceph's monitor has no such table
 * (its clients resend on a lossless session); this is the mini-quorum's own addition.
 *
 * The record rides in the paxos value itself: the proposal that makes osdmap epoch e also
 * puts `monctl_requests/<e>` (the ids and results of the commands it carries) and erases
 * `monctl_requests/<e - REQUEST_LOG_EPOCHS>`. Every monitor therefore stores the same
 * window, and whoever leads next reads it back (lazily, the first time it takes a request
 * after the osdmap moved). A retry is recognised for REQUEST_LOG_EPOCHS epochs.
 */
import type { TransactionBuilder } from '../store/transaction.js';
import { kvKey, type Kv } from './kv.js';
import { requestKey } from './requests.js';

export const REQUEST_LOG_PREFIX = 'monctl_requests';
/** Epochs a committed request id is remembered for. */
export const REQUEST_LOG_EPOCHS = 500;

export interface LoggedRequest {
  clientId: string;
  reqId: number;
  result?: unknown;
}

export interface CommittedRequest {
  epoch: number;
  result?: unknown;
}

const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder();

/** The proposal's record of the requests it commits, and the window's oldest epoch dropped. */
export function encodeRequestLog(tx: TransactionBuilder, epoch: number, requests: readonly LoggedRequest[]): void {
  if (requests.length > 0) {
    const rows = requests.map((r) => (r.result === undefined ? [r.clientId, r.reqId] : [r.clientId, r.reqId, r.result]));
    tx.put(REQUEST_LOG_PREFIX, String(epoch), utf8.encode(JSON.stringify(rows)));
  }
  const old = epoch - REQUEST_LOG_EPOCHS;
  if (old > 0) tx.erase(REQUEST_LOG_PREFIX, String(old));
}

/** A leader's view of the window, refreshed from the store as the osdmap epoch moves. */
export class RequestLog {
  private readonly done = new Map<string, CommittedRequest>();
  private readonly byEpoch = new Map<number, string[]>();
  private loadedUpTo = 0;

  constructor(private readonly kv: Kv) {}

  /** The committed answer of this request, if it is in the window up to `epoch`. */
  lookup(r: { clientId: string; reqId: number }, epoch: number): CommittedRequest | undefined {
    this.catchUp(epoch);
    return this.done.get(requestKey(r));
  }

  private catchUp(epoch: number): void {
    if (epoch === this.loadedUpTo) return;
    if (epoch < this.loadedUpTo) this.clear(); // a store sync replaced my history
    const from = Math.max(this.loadedUpTo + 1, epoch - REQUEST_LOG_EPOCHS + 1, 1);
    for (let e = from; e <= epoch; e++) this.load(e);
    for (const e of [...this.byEpoch.keys()]) if (e <= epoch - REQUEST_LOG_EPOCHS) this.forget(e);
    this.loadedUpTo = epoch;
  }

  private load(epoch: number): void {
    const bytes = this.kv.get(kvKey(REQUEST_LOG_PREFIX, String(epoch)));
    if (bytes === undefined) return;
    const keys: string[] = [];
    for (const row of JSON.parse(utf8Decode.decode(bytes)) as [string, number, unknown?][]) {
      const key = requestKey({ clientId: row[0], reqId: row[1] });
      this.done.set(key, row.length > 2 ? { epoch, result: row[2] } : { epoch });
      keys.push(key);
    }
    this.byEpoch.set(epoch, keys);
  }

  private forget(epoch: number): void {
    for (const k of this.byEpoch.get(epoch) ?? []) if (this.done.get(k)?.epoch === epoch) this.done.delete(k);
    this.byEpoch.delete(epoch);
  }

  private clear(): void {
    this.done.clear();
    this.byEpoch.clear();
    this.loadedUpTo = 0;
  }
}
