/**
 * The wire between monitors and clients: length-prefixed binary frames over TCP.
 *
 *   u32 LE body length | u8 kind | payload (body length - 1 bytes)
 *
 * A frame whose declared length is zero or above the decoder's limit is a protocol error: the
 * decoder throws before buffering it, so a peer cannot make a monitor allocate without bound.
 * Until a connection has authenticated the limit is the handshake's largest frame (a few dozen
 * bytes, connection.ts), afterwards MAX_FRAME_BYTES.
 */

/** Largest frame body accepted (a catch-up message with many paxos versions fits). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Frame kinds. Handshake kinds are the only ones accepted before authentication. */
export const FRAME = {
  /** server → any: 32-byte challenge nonce. */
  HELLO: 0x01,
  /** any → server: role, rank, client nonce, HMAC (see auth.ts). */
  AUTH: 0x02,
  /** server → any: the server's proof that it knows the secret too. */
  AUTH_OK: 0x03,
  /** server → any: the AUTH's HMAC was wrong (the other side has another secret); then close. */
  AUTH_FAIL: 0x04,
  /** peer → peer: one encoded QuorumMessage. */
  QUORUM: 0x10,
  /** client → monitor: JSON ClientRequest. */
  REQUEST: 0x20,
  /** monitor → client: JSON ClientReply. */
  REPLY: 0x21,
  /** client → monitor: JSON `{ id }`. */
  STATUS: 0x22,
  /** monitor → client: JSON `{ id, status }`. */
  STATUS_REPLY: 0x23,
} as const;

export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

export interface Frame {
  kind: number;
  payload: Uint8Array;
}

export class FrameError extends Error {
  override name = 'FrameError';
}

export function encodeFrame(kind: number, payload: Uint8Array): Buffer {
  if (payload.length + 1 > MAX_FRAME_BYTES) throw new FrameError(`frame of ${payload.length + 1} bytes exceeds ${MAX_FRAME_BYTES}`);
  const out = Buffer.allocUnsafe(5 + payload.length);
  out.writeUInt32LE(payload.length + 1, 0);
  out[4] = kind;
  out.set(payload, 5);
  return out;
}

/**
 * Incremental decoder: push() TCP chunks, get whole frames back. Throws FrameError on a
 * bad length; the connection is then unusable (the caller closes it).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private maxBytes = MAX_FRAME_BYTES) {}

  /** Changes the largest frame body accepted from now on (raised once a connection authenticates). */
  setMaxBytes(n: number): void {
    this.maxBytes = n;
  }

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const head = this.peek(4);
      const len = head.readUInt32LE(0);
      if (len === 0 || len > this.maxBytes) throw new FrameError(`frame length ${len} outside 1..${this.maxBytes}`);
      if (this.buffered < 4 + len) return frames;
      const body = this.take(4 + len).subarray(4);
      frames.push({ kind: body[0]!, payload: body.subarray(1) });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
