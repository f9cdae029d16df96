/**
 * The interpreter behind testdata/*.txt (etcd raft's interaction scripts): each block is a
 * command, `----`, and the output it must print. The cluster is the simulator's, with a
 * perfect network (every message arrives the next tick) unless a script cuts links.
 */
import { PAXOS_PREFIX } from '../../../src/lib/mon/paxos/keys.js';
import { parseMutation } from '../../../src/lib/quorum/mutation-check.js';
import { getVersion } from '../../../src/lib/quorum/kv.js';
import type { PaxosMessage, Rank } from '../../../src/lib/quorum/api.js';
import { Cluster } from '../../../src/lib/quorum/sim/cluster.js';
import { diffStores } from '../../../src/lib/quorum/sim/checker.js';
import { mulberry32 } from '../../../src/lib/random.js';

export interface Block {
  /** `#` lines before the command, kept when rewriting. */
  comments: string[];
  command: string;
  expected: string;
}

export function parseScript(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let i = 0;
  let comments: string[] = [];
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('#')) comments.push(line);
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const command = line;
    if (lines[i + 1] !== '----') throw new Error(`line ${i + 2}: expected ---- after "${command}"`);
    i += 2;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]!);
    blocks.push({ comments, command, expected: out.join('\n') });
    comments = [];
  }
  return blocks;
}

export function formatScript(blocks: { comments: string[]; command: string; actual: string }[]): string {
  return blocks.map((b) => [...b.comments, b.command, '----', b.actual, ''].join('\n')).join('\n');
}

const name = (r: Rank): string => String.fromCharCode(97 + r);

export class ScriptRunner {
  private c: Cluster | undefined;
  private seenReplies = 0;
  private req = 0;

  private get cluster(): Cluster {
    if (!this.c) throw new Error('no cluster: start with `cluster size=N`');
    return this.c;
  }

  run(command: string): string {
    const [cmd, ...args] = command.trim().split(/\s+/);
    const kv = new Map(args.filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]));
    const num = (k: string, d: number): number => Number(kv.get(k) ?? d);
    switch (cmd) {
      case 'cluster':
        return this.newCluster(num('size', 3), num('lease', 6), num('keep', 500), kv.get('down'));
      case 'run':
        return this.runTicks(num('ticks', 0), kv.get('until'));
      case 'stop':
        // What it already sent is on the wire and still arrives.
        this.cluster.crash(Number(args[0]), false);
        return `mon.${name(Number(args[0]))} stopped`;
      case 'start':
        this.cluster.start(Number(args[0]));
        return `mon.${name(Number(args[0]))} started from its store`;
      case 'isolate':
        this.cluster.net.partition(new Set([Number(args[0])]), this.cluster.opts.size, false);
        return `mon.${name(Number(args[0]))} isolated`;
      case 'drop-next':
        return this.dropNext(Number(args[0]), args[1]!);
      case 'heal':
        this.cluster.net.heal();
        return 'network healed';
      case 'submit':
        this.cluster.nodes[Number(args[0])]!.submit({ clientId: 'c', reqId: this.req++, mutation: parseMutation(args.slice(1)) });
        return `submitted to mon.${name(Number(args[0]))}: ${args.slice(1).join(' ')}`;
      case 'replies':
        return this.replies();
      case 'status':
        return this.status();
      case 'paxos':
        return this.paxos(Number(args[0]));
      case 'inject':
        return this.inject(Number(args[0]), Number(args[1]), args[2] as PaxosMessage['op'], BigInt(kv.get('pn') ?? '0'));
      case 'compare':
        return this.compare();
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  private newCluster(size: number, lease: number, keep: number, down: string | undefined): string {
    this.c = new Cluster(
      { size, seed: 1, electionTimeoutTicks: 2 * lease, leaseTicks: lease, paxosKeep: keep, osdmapKeep: keep, faults: { dropChance: 0, duplicateChance: 0, maxDelayTicks: 0 }, crashAfterPersistChance: 0 },
      mulberry32(1),
    );
    for (const r of down ? down.split(',').map(Number) : []) this.c.crash(r, false);
    return `${size} monitors${down ? `, mon.${down.split(',').map((r) => name(Number(r))).join(',')} down` : ''}`;
  }

  private runTicks(ticks: number, until: string | undefined): string {
    const c = this.cluster;
    if (until !== undefined) {
      for (let t = 0; t < 1000; t++) {
        c.step();
        const hit = c.sentThisStep.find((s) => s.msg.type === 'paxos' && s.msg.op === until);
        if (hit) return `tick ${c.now}: mon.${name(hit.from)} sent ${until}\n${this.status()}`;
      }
      return `no ${until} within 1000 ticks`;
    }
    for (let t = 0; t < ticks; t++) c.step();
    return this.status();
  }

  /** Loses the next message of `type` that monitor `from` sends. */
  private dropNext(from: Rank, type: string): string {
    const net = this.cluster.net;
    const send = net.send.bind(net);
    net.send = (now, f, to, msg) => {
      if (f === from && msg.type === type) {
        net.send = send;
        return;
      }
      send(now, f, to, msg);
    };
    return `the next ${type} from mon.${name(from)} will be lost`;
  }

  private status(): string {
    const c = this.cluster;
    return c.nodes
      .map((n, r) => {
        if (!n) return `mon.${name(r)}: down`;
        const s = n.status();
        const q = s.quorum.length > 0 ? ` quorum=${s.quorum_names.join(',')}` : '';
        const lease = s.state === 'peon' ? (n.readable ? ' lease=valid' : ' lease=expired') : '';
        return `mon.${name(r)}: ${s.state} election_epoch=${s.election_epoch}${q}${lease} paxos=${s.paxos.first_committed}..${s.paxos.last_committed} osdmap=${s.osdmap_epoch}`;
      })
      .join('\n');
  }

  private paxos(r: Rank): string {
    const disk = this.cluster.disks[r]!;
    const keys = ['first_committed', 'last_committed', 'pending_v', 'pending_pn', 'accepted_pn', 'last_pn'];
    return `mon.${name(r)} store: ${keys.map((k) => `${k}=${getVersion(disk, PAXOS_PREFIX, k) ?? '-'}`).join(' ')}`;
  }

  private replies(): string {
    const fresh = this.cluster.replies.slice(this.seenReplies);
    this.seenReplies = this.cluster.replies.length;
    if (fresh.length === 0) return '(none)';
    return fresh
      .map((p) => `#${p.reqId} ${p.ok ? 'ok' : 'error'}${p.epoch !== undefined ? ` epoch=${p.epoch}` : ''}${p.result !== undefined ? ` result=${JSON.stringify(p.result)}` : ''}${p.error ? ` ${p.error}` : ''}`)
      .join('\n');
  }

  /** A paxos message from `from` to `to` in `to`'s current election epoch, carrying proposal `pn`. */
  private inject(from: Rank, to: Rank, op: PaxosMessage['op'], pn: bigint): string {
    const node = this.cluster.nodes[to]!;
    const disk = this.cluster.disks[to]!;
    const last = getVersion(disk, PAXOS_PREFIX, 'last_committed') ?? 0n;
    const value = disk.get(`${PAXOS_PREFIX}\0${last}`) ?? new Uint8Array(0);
    node.step(from, {
      type: 'paxos',
      op,
      epoch: node.electionEpoch,
      pn,
      firstCommitted: getVersion(disk, PAXOS_PREFIX, 'first_committed') ?? 0n,
      lastCommitted: last,
      values: [{ version: last + 1n, value }],
      uncommittedPn: 0n,
      leaseTicks: 6,
    });
    const sent = node.hasReady() ? node.ready() : undefined;
    node.advance();
    const answer = sent?.messages.map((m) => `${m.msg.type}:${m.msg.type === 'paxos' ? m.msg.op : ''}`).join(',') || 'nothing';
    if (sent?.transaction) throw new Error('an injected message changed the store');
    return `mon.${name(to)} got ${op} pn=${pn} from mon.${name(from)}; answered ${answer}; store unchanged`;
  }

  private compare(): string {
    const c = this.cluster;
    const out: string[] = [];
    for (let r = 1; r < c.opts.size; r++) {
      const d = diffStores(c.disks[0]!, c.disks[r]!);
      out.push(`mon.a vs mon.${name(r)}: ${d ?? 'identical'}`);
    }
    return out.join('\n');
  }
}
