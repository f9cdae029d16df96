/**
 * The contract between the pure quorum core and its host (sockets, timers, disk). The core
 * is an etcd-raft style state machine: the host feeds it ticks, peer messages and client
 * requests, then drains a Ready (persist `transaction` synced, send `messages`, answer
 * `replies`) and calls advance(). Time is ticks (10 ms in the host), never a clock.
 */
import type { LiveOsdCommand } from '../mon/osd/command-types.js';
import type { Transaction } from '../store/transaction.js';

export type { Transaction } from '../store/transaction.js';

export type Rank = number;

export interface MonitorConfig {
  rank: Rank;
  /** monmap names, by rank. */
  names: string[];
  /** `ip:port` of each monitor, by rank. */
  addrs: string[];
  fsid: string;
  /** Seeds the node's PRNG (election back-off jitter); same seed, same run. */
  seed: number;
  /** Ticks without a leader's lease (or election progress) before calling an election. Default 50 (500 ms in the host). */
  electionTimeoutTicks?: number;
  /** Lease length in ticks (mon_lease); renewed at 3/5 of it, as Ceph's lease_renew_interval_factor. Default 30 (300 ms in the host). */
  leaseTicks?: number;
  /** paxos_min: versions kept behind last_committed by a trim (which starts once half as many more pile up). Default 500. */
  paxosKeep?: number;
  /** mon_min_osdmap_epochs: osdmap epochs kept by a trim. Default 500. */
  osdmapKeep?: number;
  /**
   * The Ceph release the cluster is (16 Pacific … 20 Tentacle): its first maps, the features
   * its maps are encoded with, its monmap's min_mon_release. Default 16.
   */
  release?: number;
}

/** One monitor command, as `ceph osd …` takes it: the OSDMonitor commands the quorum runs. */
export type Mutation = LiveOsdCommand;

export type MutationOp = Mutation['op'];

export interface ClientRequest {
  clientId: string;
  reqId: number;
  mutation: Mutation;
}

export interface ClientReply {
  clientId: string;
  reqId: number;
  ok: boolean;
  /** The osdmap epoch the mutation committed in. */
  epoch?: number;
  /** What the command returns (the new OSD id for osd-create). */
  result?: unknown;
  error?: string;
  /** The leader's rank, when known (a peon answering without quorum, or a redirect). */
  leader?: Rank;
}

/** Election messages (Ceph's MMonElection ops). */
export interface ElectionMessage {
  type: 'election';
  op: 'propose' | 'ack' | 'victory';
  epoch: number;
  /** The winner's quorum, in a victory. */
  quorum: Rank[];
}

/** Paxos messages (Ceph's MMonPaxos ops). */
export interface PaxosMessage {
  type: 'paxos';
  op: 'collect' | 'last' | 'begin' | 'accept' | 'commit' | 'lease' | 'lease_ack';
  /** The election epoch the sender is in; stale ones are dropped. */
  epoch: number;
  pn: bigint;
  firstCommitted: bigint;
  lastCommitted: bigint;
  /** Versions carried: committed ones to share, or the one being proposed (begin / last's uncommitted). */
  values: { version: bigint; value: Uint8Array }[];
  /** In a `last`: the pn the uncommitted value was accepted under (0 when none). */
  uncommittedPn: bigint;
  /** In a `lease`: its length in ticks (each member counts it on its own clock). */
  leaseTicks: number;
}

/** A full store sync (Ceph's MMonSync, collapsed into one snapshot of the synced prefixes). */
export interface SyncMessage {
  type: 'sync';
  op: 'request' | 'snapshot';
  epoch: number;
  /** `prefix\0key` → value; only in a snapshot. */
  entries: [string, Uint8Array][];
}

/** A client request a peon hands to the leader (MForward), and the answer back (MRoute). */
export interface ForwardMessage {
  type: 'forward';
  request: ClientRequest;
}
export interface RouteMessage {
  type: 'route';
  reply: ClientReply;
}

export type QuorumMessage = ElectionMessage | PaxosMessage | SyncMessage | ForwardMessage | RouteMessage;

export interface Ready {
  /** MonitorDBStore ops to persist (synced) BEFORE sending messages. */
  transaction?: Transaction;
  messages: { to: Rank; msg: QuorumMessage }[];
  /** Sent to clients after persisting. */
  replies: ClientReply[];
}

export interface MonStatus {
  rank: Rank;
  name: string;
  addr: string;
}

/** Ceph's quorum_status fields, plus paxos bookkeeping and the osdmap epoch. */
export interface QuorumStatus {
  rank: Rank;
  state: 'probing' | 'electing' | 'leader' | 'peon' | 'synchronizing';
  election_epoch: number;
  quorum: Rank[];
  quorum_names: string[];
  quorum_leader_name?: string;
  monmap: { epoch: number; fsid: string; mons: MonStatus[] };
  paxos: { first_committed: number; last_committed: number };
  osdmap_epoch: number;
}
