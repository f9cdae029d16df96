/**
 * Framing and the HMAC handshake over real loopback sockets: a bad connection (garbage, a
 * wrong HMAC, an oversized frame, a data frame before authenticating, silence) is closed with
 * a reason, and the same server goes on serving a well-behaved client afterwards.
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authResponse, verifyAuth } from '../../../src/lib/quorum/host/auth.js';
import { AUTH_TIMEOUT_MS, AuthError, Conn, PRE_AUTH_MAX_FRAME_BYTES } from '../../../src/lib/quorum/host/connection.js';
import { QuorumClient } from '../../../src/lib/quorum/host/client.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { FRAME, FrameDecoder, FrameError, MAX_FRAME_BYTES, encodeFrame } from '../../../src/lib/quorum/host/frame.js';

const secret = randomBytes(32);
let server: Server;
let port = 0;
const closes: string[] = [];

/** An echo service: authenticated clients get their REQUEST payload back as a REPLY. */
beforeAll(async () => {
  server = createServer((socket) => {
    Conn.accept(socket, secret, {
      onAuthed: () => {},
      onFrame: (c, f) => (f.kind === FRAME.REQUEST ? c.send(FRAME.REPLY, f.payload) : c.close(`unexpected kind ${f.kind}`)),
      onClose: (_c, reason) => closes.push(reason),
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Raw socket: resolves with everything the server sent once it closes the connection. */
function rawSession(send: (s: Socket, hello: Buffer) => void, timeoutMs = 5_000): Promise<{ closed: boolean; got: Buffer }> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let sent = false;
    const timer = setTimeout(() => (s.destroy(), resolve({ closed: false, got: Buffer.concat(chunks) })), timeoutMs);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (!sent && all.length >= 37) {
        sent = true;
        send(s, all.subarray(5, 37));
      }
    });
    s.on('error', () => {});
    s.on('close', () => (clearTimeout(timer), resolve({ closed: true, got: Buffer.concat(chunks) })));
  });
}

async function echo(text: string): Promise<string> {
  const got = new Promise<string>((resolve, reject) => {
    Conn.dial(port, secret, { role: 'client', rank: 0 }, {
      onFrame: (c, f) => (resolve(Buffer.from(f.payload).toString()), c.close('done')),
      onClose: () => {},
    }).then((c) => c.send(FRAME.REQUEST, Buffer.from(text)), reject);
  });
  return got;
}

describe('frames', () => {
  it('decodes frames split and joined across TCP chunks', () => {
    const d = new FrameDecoder();
    const wire = Buffer.concat([encodeFrame(FRAME.QUORUM, Buffer.from('abc')), encodeFrame(FRAME.REPLY, Buffer.alloc(0)), encodeFrame(7, Buffer.from('xyz'))]);
    const frames = [...wire].flatMap((b) => d.push(Buffer.from([b])));
    expect(frames.map((f) => [f.kind, Buffer.from(f.payload).toString()])).toEqual([
      [FRAME.QUORUM, 'abc'],
      [FRAME.REPLY, ''],
      [7, 'xyz'],
    ]);
  });

  it('refuses a zero or oversized length before buffering the body', () => {
    expect(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 0]))).toThrow(FrameError);
    const big = Buffer.alloc(4);
    big.writeUInt32LE(MAX_FRAME_BYTES + 1);
    expect(() => new FrameDecoder().push(big)).toThrow(/outside/);
  });

  it('takes a raised limit once set (a connection that authenticated)', () => {
    const d = new FrameDecoder(PRE_AUTH_MAX_FRAME_BYTES);
    expect(() => new FrameDecoder(PRE_AUTH_MAX_FRAME_BYTES).push(encodeFrame(FRAME.REQUEST, Buffer.alloc(PRE_AUTH_MAX_FRAME_BYTES)))).toThrow(/outside 1\.\.70/);
    d.setMaxBytes(MAX_FRAME_BYTES);
    expect(d.push(encodeFrame(FRAME.REQUEST, Buffer.alloc(100_000)))[0]!.payload.length).toBe(100_000);
  });
});

describe('HMAC handshake', () => {
  it('accepts the right secret and rejects any other, or a tampered claim', () => {
    const nonce = randomBytes(32);
    const { payload } = authResponse(secret, nonce, { role: 'peer', rank: 2 });
    expect(verifyAuth(secret, nonce, payload)?.claim).toEqual({ role: 'peer', rank: 2 });
    expect(verifyAuth(randomBytes(32), nonce, payload)).toBeUndefined();
    expect(verifyAuth(secret, randomBytes(32), payload)).toBeUndefined();
    const tampered = Buffer.from(payload);
    tampered[1] = 0; // rank 2 → 0
    expect(verifyAuth(secret, nonce, tampered)).toBeUndefined();
  });

  it('serves an authenticated client', async () => {
    expect(await echo('hello')).toBe('hello');
  });

  it('closes a connection that sends garbage, and keeps serving', async () => {
    const r = await rawSession((s) => s.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')));
    expect(r.closed).toBe(true);
    expect(closes.at(-1)).toMatch(/malformed frame|before authentication/);
    expect(await echo('after garbage')).toBe('after garbage');
  });

  it('closes a connection with a wrong HMAC, and keeps serving', async () => {
    const r = await rawSession((s, hello) => s.write(encodeFrame(FRAME.AUTH, authResponse(randomBytes(32), hello, { role: 'client', rank: 0 }).payload)));
    expect(r.closed).toBe(true);
    expect(closes.at(-1)).toMatch(/authentication failed/);
    // The server never sent AUTH_OK: its HELLO came back, then AUTH_FAIL (an empty frame).
    expect(r.got.length).toBe(37 + 5);
    expect(r.got[37 + 4]).toBe(FRAME.AUTH_FAIL);
    expect(await echo('after bad hmac')).toBe('after bad hmac');
  });

  it('closes a connection announcing an oversized frame, and keeps serving', async () => {
    const r = await rawSession((s) => {
      const head = Buffer.alloc(5);
      head.writeUInt32LE(0xffffffff);
      s.write(head);
    });
    expect(r.closed).toBe(true);
    expect(closes.at(-1)).toMatch(/frame length 4294967295 outside/);
    expect(await echo('after oversized')).toBe('after oversized');
  });

  it('closes a connection at the header of any frame longer than the handshake needs, before reading its body', async () => {
    // A valid AUTH is 70 bytes; 71 is refused, and so is 64 MiB, without buffering a byte of it.
    for (const len of [PRE_AUTH_MAX_FRAME_BYTES + 1, 64 * 1024 * 1024]) {
      const t0 = Date.now();
      const r = await rawSession((s) => {
        const head = Buffer.alloc(5);
        head.writeUInt32LE(len);
        head[4] = FRAME.AUTH;
        s.write(head);
        s.write(Buffer.alloc(64 * 1024));
      });
      expect(r.closed).toBe(true);
      expect(Date.now() - t0).toBeLessThan(AUTH_TIMEOUT_MS);
      expect(closes.at(-1)).toMatch(new RegExp(`frame length ${len} outside 1\\.\\.${PRE_AUTH_MAX_FRAME_BYTES}`));
    }
    // The same frame size after authenticating is fine.
    expect(await echo('x'.repeat(200_000))).toBe('x'.repeat(200_000));
  });

  it('closes a connection that sends a data frame before authenticating', async () => {
    const r = await rawSession((s) => s.write(encodeFrame(FRAME.REQUEST, Buffer.from('{}'))));
    expect(r.closed).toBe(true);
    expect(closes.at(-1)).toMatch(/before authentication/);
  });

  it('closes a silent connection after the auth deadline', async () => {
    const r = await rawSession(() => {}, AUTH_TIMEOUT_MS + 3_000);
    expect(r.closed).toBe(true);
    expect(closes.at(-1)).toMatch(/not authenticated in time/);
  });

  it('a client with the wrong secret is refused at once, with an AuthError', async () => {
    const t0 = Date.now();
    const err = await Conn.dial(port, randomBytes(32), { role: 'client', rank: 0 }, { onFrame: () => {}, onClose: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/secret differs/);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('the CLI client reports a wrong secret as QUORUM_AUTH_FAILED (exit 9) at once, for a mutation and for status', async () => {
    const cluster = { dir: '/nonexistent/cluster', config: { fsid: 'f', names: ['a'], ports: [port], seed: 1 }, secret: randomBytes(32) };
    for (const call of [(c: QuorumClient) => c.submit({ op: 'osd-create' }), (c: QuorumClient) => c.statusAll()]) {
      const client = new QuorumClient(cluster, { timeoutMs: 10_000 });
      const t0 = Date.now();
      const err = await call(client).catch((e: unknown) => e);
      client.close();
      expect(err).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).code).toBe('QUORUM_AUTH_FAILED');
      expect((err as MonctlError).exitCode).toBe(9);
      expect((err as MonctlError).message).toMatch(/mon\.a of \/nonexistent\/cluster refused to authenticate: .*secret differs/);
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
  });
});
