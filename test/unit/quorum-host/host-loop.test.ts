/**
 * The host loop's contract with the core, over real sockets and a real LevelDB store: each
 * Ready is persisted (synced batch), THEN its messages go to peers, THEN its replies to
 * clients, and advance() comes last; a bad client frame closes that connection only; a
 * restarted host hands the node everything it persisted. The node here is a scripted
 * recorder (the real core has its own tests); the store is made slow so that any reordering
 * in the host would show.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Socket, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientRequest, MonitorConfig, QuorumMessage, QuorumStatus, Ready } from '../../../src/lib/quorum/api.js';
import { decodeMessage, encodeMessage } from '../../../src/lib/quorum/message-codec.js';
import { createCluster, type Cluster } from '../../../src/lib/quorum/host/cluster.js';
import { QuorumClient } from '../../../src/lib/quorum/host/client.js';
import { Conn } from '../../../src/lib/quorum/host/connection.js';
import { FRAME, encodeFrame } from '../../../src/lib/quorum/host/frame.js';
import { MonitorHost, type QuorumNode } from '../../../src/lib/quorum/host/monitor-host.js';
import { LevelDbBackend } from '../../../src/lib/store/leveldb.js';
import { MonStore, TransactionBuilder } from '../../../src/lib/store/index.js';
import { tempDir } from '../../helpers/stores.js';

const events: string[] = [];

/** Answers each request with one Ready: write `test/<reqId>`, tell rank 1, ack the client. */
class RecordingNode implements QuorumNode {
  private queue: Ready[] = [];
  readonly stored: Map<string, Uint8Array>;
  constructor(
    readonly config: MonitorConfig,
    stored: Map<string, Uint8Array>,
  ) {
    this.stored = stored;
  }
  tick(): void {}
  step(from: number, msg: QuorumMessage): void {
    events.push(`step ${from} ${msg.type}`);
  }
  submit(req: ClientRequest): void {
    const tx = new TransactionBuilder().put('test', String(req.reqId), Buffer.from(req.clientId)).tx;
    const msg: QuorumMessage = { type: 'election', op: 'propose', epoch: req.reqId, quorum: [] };
    const messages: Ready['messages'] = [{ to: 1, msg }];
    // `osd in` stands for a commit: two messages to the same peer in one Ready.
    if (req.mutation.op === 'osd-in') messages.push({ to: 1, msg: { ...msg, epoch: 1000 + req.reqId } });
    this.queue.push({ transaction: tx, messages, replies: [{ clientId: req.clientId, reqId: req.reqId, ok: true, epoch: req.reqId }] });
  }
  hasReady(): boolean {
    return this.queue.length > 0;
  }
  ready(): Ready {
    return this.queue[0]!;
  }
  advance(): void {
    events.push(`advance ${(this.queue.shift()!.replies[0]!.reqId)}`);
  }
  status(): QuorumStatus {
    return {
      rank: 0,
      state: 'leader',
      election_epoch: 1,
      quorum: [0],
      quorum_names: ['a'],
      quorum_leader_name: 'a',
      monmap: { epoch: 1, fsid: this.config.fsid, mons: [] },
      paxos: { first_committed: 0, last_committed: this.stored.size },
      osdmap_epoch: 0,
    };
  }
}

describe('monitor host loop', () => {
  const tmp = tempDir('host-loop');
  let cluster: Cluster;
  let peer: Server;
  let host: MonitorHost;
  let store: MonStore;
  let node: RecordingNode;
  const logs: string[] = [];

  const startHost = async (): Promise<void> => {
    store = await MonStore.open(join(cluster.dir, 'mon.a'), { write: true });
    const realApply = store.apply.bind(store);
    // A slow disk: 30 ms per batch, so sending before persisting could not go unnoticed.
    store.apply = async (tx) => {
      await new Promise((r) => setTimeout(r, 30));
      const r = await realApply(tx);
      events.push(`persisted ${tx.ops[0]!.key}`);
      return r;
    };
    host = new MonitorHost({
      cluster,
      rank: 0,
      store,
      createNode: (c, s) => (node = new RecordingNode(c, s)),
      codec: { encodeMessage, decodeMessage },
      log: (l) => logs.push(l),
      onFatal: (e) => {
        throw e;
      },
    });
    await host.start();
  };

  beforeAll(async () => {
    cluster = await createCluster(join(tmp.dir, 'c'), 2);
    const db = join(cluster.dir, 'mon.a', 'store.db');
    mkdirSync(db, { recursive: true });
    await (await LevelDbBackend.create(db)).close();
    writeFileSync(join(cluster.dir, 'mon.a', 'kv_backend'), 'leveldb\n');
    // Rank 1 is this test: it records what the host sends it.
    peer = createServer((s) =>
      Conn.accept(s, cluster.secret, {
        onAuthed: () => {},
        onFrame: (_c, f) => f.kind === FRAME.QUORUM && events.push(`sent ${(decodeMessage(f.payload) as { epoch: number }).epoch}`),
        onClose: () => {},
      }),
    );
    await new Promise<void>((r) => peer.listen(cluster.config.ports[1], '127.0.0.1', r));
    await startHost();
  });
  afterAll(async () => {
    await host.stop();
    await store.close();
    await new Promise<void>((r) => peer.close(() => r()));
    tmp.cleanup();
  });

  it('persists, then sends, then replies, then advances: the host\'s own calls, in order', async () => {
    // What the host hands its sockets, as it hands it (receipt order on two sockets would
    // prove nothing about the order of the calls).
    const realSend = Conn.prototype.send;
    const spy = vi.spyOn(Conn.prototype, 'send').mockImplementation(function (this: Conn, kind: number, payload: Uint8Array) {
      if (kind === FRAME.QUORUM) events.push(`send ${(decodeMessage(payload) as { epoch: number }).epoch}`);
      if (kind === FRAME.REPLY) events.push(`reply-out ${(JSON.parse(Buffer.from(payload).toString()) as { reqId: number }).reqId}`);
      return realSend.call(this, kind, payload);
    });
    const client = new QuorumClient(cluster, { timeoutMs: 5_000 });
    try {
      for (let i = 0; i < 3; i++) {
        const reply = await client.submit({ op: 'osd-out', id: i });
        events.push(`reply ${reply.reqId}`);
        expect(reply.epoch).toBe(reply.reqId);
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      client.close();
      spy.mockRestore();
    }
    for (const id of ['1', '2', '3']) {
      const at = (e: string) => events.indexOf(`${e} ${id}`);
      const order = ['persisted', 'send', 'reply-out', 'advance'].map(at);
      expect(order.every((i) => i >= 0), events.join(' | ')).toBe(true);
      expect([...order].sort((a, b) => a - b), `Ready ${id}: ${events.join(' | ')}`).toEqual(order);
      // And what the peer and the client received came after the persist.
      expect(at('persisted')).toBeLessThan(at('sent'));
      expect(at('persisted')).toBeLessThan(at('reply'));
      expect(Buffer.from((await store.get('test', id))!).toString()).toBe(client.clientId);
    }
  });

  it("a Ready's messages to one peer leave in one write", async () => {
    // Every socket write of this process, as the epochs of the QUORUM frames it carried.
    const writes: number[][] = [];
    const epochsIn = (bufs: Uint8Array[]): number[] => {
      const all = Buffer.concat(bufs);
      const out: number[] = [];
      for (let at = 0; at + 5 <= all.length; at += 4 + all.readUInt32LE(at))
        if (all[at + 4] === FRAME.QUORUM) out.push((decodeMessage(all.subarray(at + 5, at + 4 + all.readUInt32LE(at))) as { epoch: number }).epoch);
      return out;
    };
    type Chunk = { chunk: Uint8Array };
    const proto = Socket.prototype as unknown as { _write(c: Uint8Array, e: string, cb: () => void): void; _writev(cs: Chunk[], cb: () => void): void };
    const { _write, _writev } = proto;
    proto._write = function (c, e, cb) {
      writes.push(epochsIn([c]));
      return _write.call(this, c, e, cb);
    };
    proto._writev = function (cs, cb) {
      writes.push(epochsIn(cs.map((c) => c.chunk)));
      return _writev.call(this, cs, cb);
    };
    const client = new QuorumClient(cluster, { timeoutMs: 5_000 });
    try {
      for (let i = 0; i < 3; i++) {
        const { reqId } = await client.submit({ op: 'osd-in', id: i });
        expect(writes.find((w) => w.includes(reqId)), JSON.stringify(writes)).toEqual([reqId, 1000 + reqId]);
      }
    } finally {
      proto._write = _write;
      proto._writev = _writev;
      client.close();
    }
  });

  it('a malformed client request closes that connection only; the monitor keeps serving', async () => {
    const bad = await Conn.dial(cluster.config.ports[0]!, cluster.secret, { role: 'client', rank: 0 }, { onFrame: () => {}, onClose: () => {} });
    const closed = new Promise<void>((r) => bad.socket.on('close', () => r()));
    bad.socket.write(encodeFrame(FRAME.REQUEST, Buffer.from('{"clientId":"x","reqId":1,"mutation":{"op":"rm -rf"}}')));
    await closed;
    expect(logs.at(-1)).toMatch(/malformed client frame: bad mutation: unknown op rm -rf/);
    // A client may not speak for a peer either.
    const spoof = await Conn.dial(cluster.config.ports[0]!, cluster.secret, { role: 'client', rank: 0 }, { onFrame: () => {}, onClose: () => {} });
    const spoofClosed = new Promise<void>((r) => spoof.socket.on('close', () => r()));
    spoof.send(FRAME.QUORUM, encodeMessage({ type: 'election', op: 'victory', epoch: 9, quorum: [0, 1] }));
    await spoofClosed;
    expect(events).not.toContain('step 0 election');
    const client = new QuorumClient(cluster);
    try {
      expect((await client.status(0)).state).toBe('leader');
    } finally {
      client.close();
    }
  });

  it('a peer with the secret but a garbage message, or claiming our own rank, is cut off', async () => {
    const closedAfter = async (rank: number, send?: (c: Conn) => void): Promise<void> => {
      const c = await Conn.dial(cluster.config.ports[0]!, cluster.secret, { role: 'peer', rank }, { onFrame: () => {}, onClose: () => {} });
      const closed = new Promise<void>((r) => c.socket.on('close', () => r()));
      send?.(c);
      await closed;
    };
    await closedAfter(1, (c) => c.send(FRAME.QUORUM, Buffer.from([0xff, 0xff, 0xff])));
    expect(logs.at(-1)).toMatch(/malformed peer frame/);
    await closedAfter(0);
    expect(logs.at(-1)).toMatch(/peer claims rank 0, not a peer of rank 0/);
    expect(events.filter((e) => e.startsWith('step'))).toEqual([]);
  });

  it('a restarted host gives the node every key it persisted', async () => {
    await host.stop();
    await store.close();
    await startHost();
    expect([...node.stored.keys()].filter((k) => k.startsWith('test\0')).sort()).toEqual(['test\x001', 'test\x002', 'test\x003']);
  });
});
