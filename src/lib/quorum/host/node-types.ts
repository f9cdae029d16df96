/** What the host drives: the pure core's node and its message codec, as the host sees them. */
import type { ClientRequest, QuorumMessage, QuorumStatus, Rank, Ready } from '../api.js';

export interface QuorumNode {
  tick(): void;
  step(from: Rank, msg: QuorumMessage): void;
  submit(req: ClientRequest): void;
  hasReady(): boolean;
  ready(): Ready;
  advance(): void;
  status(): QuorumStatus;
}

export interface QuorumCodec {
  encodeMessage(msg: QuorumMessage): Uint8Array;
  decodeMessage(bytes: Uint8Array): QuorumMessage;
}
