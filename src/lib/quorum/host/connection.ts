/**
 * One framed, authenticated TCP connection. The server side challenges, checks the HMAC and
 * only then hands frames to its owner; anything else before that (garbage, a wrong HMAC, a
 * frame of the wrong kind, a length longer than the handshake needs, silence past the
 * deadline) closes the connection with a reason — the monitor itself never stops for a bad
 * peer, and never buffers more than a handshake frame for a connection it does not trust.
 */
import { connect, type Socket } from 'node:net';
import { AUTH_BYTES, authResponse, newNonce, verifyAuth, verifyServerProof, serverProof, type AuthClaim } from './auth.js';
import { FRAME, FrameDecoder, FrameError, MAX_FRAME_BYTES, encodeFrame, type Frame } from './frame.js';

/** How long a new connection may take to authenticate. */
export const AUTH_TIMEOUT_MS = 2_000;

/** The largest frame body before authentication: kind + AUTH payload (HELLO and AUTH_OK are smaller). */
export const PRE_AUTH_MAX_FRAME_BYTES = 1 + AUTH_BYTES;

/** The other side does not share our secret (it refused our HMAC, or its proof was wrong). */
export class AuthError extends Error {
  override name = 'AuthError';
}

export interface ConnHandlers {
  onFrame(conn: Conn, frame: Frame): void;
  onClose(conn: Conn, reason: string): void;
}

export class Conn {
  private readonly decoder = new FrameDecoder(PRE_AUTH_MAX_FRAME_BYTES);
  private closed = false;
  /** Set once authenticated. */
  claim?: AuthClaim;
  private handlers?: ConnHandlers;

  constructor(
    readonly socket: Socket,
    readonly label: string,
  ) {
    socket.setNoDelay(true);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(kind: number, payload: Uint8Array): boolean {
    if (this.closed) return false;
    return this.socket.write(encodeFrame(kind, payload));
  }

  /** Holds this connection's writes until uncork(): the frames in between go out in one write. */
  cork(): void {
    if (!this.closed) this.socket.cork();
  }

  uncork(): void {
    if (!this.closed) this.socket.uncork();
  }

  sendJson(kind: number, value: unknown): boolean {
    return this.send(kind, Buffer.from(JSON.stringify(value)));
  }

  /** `flush`: let what was written leave first (a last word such as AUTH_FAIL), then close. */
  close(reason: string, flush = false): void {
    if (this.closed) return;
    this.closed = true;
    if (flush) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1_000).unref();
    } else {
      this.socket.destroy();
    }
    this.handlers?.onClose(this, reason);
  }

  /** Authenticated: frames up to MAX_FRAME_BYTES (a catch-up of many paxos versions) are now fine. */
  private trusted(claim: AuthClaim): void {
    this.claim = claim;
    this.decoder.setMaxBytes(MAX_FRAME_BYTES);
  }

  /** Feeds socket data through the decoder; a framing error closes the connection. */
  private listen(onFrames: (frames: Frame[]) => void): void {
    this.socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      let frames: Frame[];
      try {
        frames = this.decoder.push(chunk);
      } catch (e) {
        this.close(e instanceof FrameError ? `malformed frame: ${e.message}` : String(e));
        return;
      }
      onFrames(frames);
    });
    this.socket.on('error', (e) => this.close(`socket error: ${e.message}`));
    this.socket.on('close', () => this.close('closed by the other side'));
  }

  /** Server side: challenge, verify, then deliver frames to `handlers`. */
  static accept(socket: Socket, secret: Uint8Array, handlers: ConnHandlers & { onAuthed(conn: Conn): void }): Conn {
    const conn = new Conn(socket, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    conn.handlers = handlers;
    const nonce = newNonce();
    const timer = setTimeout(() => conn.close('not authenticated in time'), AUTH_TIMEOUT_MS);
    conn.listen((frames) => {
      for (const f of frames) {
        if (conn.closed) return;
        if (conn.claim !== undefined) {
          handlers.onFrame(conn, f);
          continue;
        }
        if (f.kind !== FRAME.AUTH) return conn.close(`frame kind 0x${f.kind.toString(16)} before authentication`);
        const ok = verifyAuth(secret, nonce, f.payload);
        if (ok === undefined) {
          // Say so before closing: the other side reports a wrong secret at once instead of
          // retrying until its timeout.
          conn.send(FRAME.AUTH_FAIL, new Uint8Array(0));
          return conn.close('authentication failed (wrong HMAC or malformed AUTH)', true);
        }
        clearTimeout(timer);
        conn.trusted(ok.claim);
        conn.send(FRAME.AUTH_OK, serverProof(secret, ok.clientNonce, nonce));
        handlers.onAuthed(conn);
      }
    });
    socket.on('close', () => clearTimeout(timer));
    conn.send(FRAME.HELLO, nonce);
    return conn;
  }

  /** Client (or peer) side: connect, answer the challenge, check the server's proof. */
  static dial(port: number, secret: Uint8Array, claim: AuthClaim, handlers: ConnHandlers, timeoutMs = AUTH_TIMEOUT_MS): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const conn = new Conn(socket, `127.0.0.1:${port}`);
      let clientNonce: Buffer | undefined;
      let serverNonce: Uint8Array | undefined;
      let settled = false;
      let authFailed = false;
      const fail = (reason: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(authFailed ? new AuthError(reason) : new Error(reason));
      };
      const timer = setTimeout(() => conn.close('handshake timed out'), timeoutMs);
      conn.handlers = {
        onFrame: handlers.onFrame,
        onClose: (c, reason) => {
          fail(reason);
          handlers.onClose(c, reason);
        },
      };
      conn.listen((frames) => {
        for (const f of frames) {
          if (conn.closed) return;
          if (settled) {
            handlers.onFrame(conn, f);
          } else if (f.kind === FRAME.HELLO && clientNonce === undefined) {
            serverNonce = f.payload;
            const r = authResponse(secret, serverNonce, claim);
            clientNonce = r.clientNonce;
            conn.send(FRAME.AUTH, r.payload);
          } else if (f.kind === FRAME.AUTH_OK && clientNonce !== undefined && verifyServerProof(secret, clientNonce, serverNonce!, f.payload)) {
            settled = true;
            clearTimeout(timer);
            conn.trusted(claim);
            resolve(conn);
          } else if (f.kind === FRAME.AUTH_FAIL || f.kind === FRAME.AUTH_OK) {
            authFailed = true;
            conn.close(f.kind === FRAME.AUTH_FAIL ? 'the monitor refused our HMAC: its cluster secret differs' : "the monitor's proof is wrong: its cluster secret differs");
          } else {
            conn.close(`unexpected frame kind 0x${f.kind.toString(16)} during the handshake`);
          }
        }
      });
    });
  }
}
