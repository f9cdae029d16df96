/**
 * The binary body of one quorum message, framed by the host. One envelope (version 1) with a
 * type tag, then the fields of that type; 64-bit paxos numbers as u64. Client mutations and
 * replies travel as JSON text inside the frame and are checked on decode, so a garbage frame
 * is a MonctlError, never a half-built message.
 */
import { MonctlError } from '../errors.js';
import { Reader, Writer } from '../encoding/index.js';
import type { ClientReply, ClientRequest, Mutation, PaxosMessage, QuorumMessage } from './api.js';
import { checkMutation } from './mutation-check.js';

const MESSAGE_V = 1;
const TYPES = ['election', 'paxos', 'sync', 'forward', 'route'] as const;
const ELECTION_OPS = ['propose', 'ack', 'victory'] as const;
const PAXOS_OPS = ['collect', 'last', 'begin', 'accept', 'commit', 'lease', 'lease_ack'] as const;
const SYNC_OPS = ['request', 'snapshot'] as const;

function tagOf<T extends string>(list: readonly T[], v: T): number {
  return list.indexOf(v);
}

function fromTag<T extends string>(list: readonly T[], tag: number, what: string, at: number): T {
  const v = list[tag];
  if (v === undefined) throw invalid(`unknown ${what} ${tag}`, at);
  return v;
}

function invalid(message: string, offset?: number): MonctlError {
  return new MonctlError('DECODE_INVALID', `quorum message: ${message}`, {
    offset,
    actions: ['The peer sent a corrupt or foreign frame: check that every monitor runs the same monctl.'],
  });
}

function writeJson(w: Writer, v: unknown): void {
  w.string(JSON.stringify(v ?? null));
}

function readJson(r: Reader, what: string): unknown {
  const at = r.pos;
  const text = r.string(what);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(`${what} is not JSON`, at);
  }
}

function writeRequest(w: Writer, q: ClientRequest): void {
  w.string(q.clientId).u64(BigInt(q.reqId));
  writeJson(w, q.mutation);
}

function readRequest(r: Reader): ClientRequest {
  const clientId = r.string('client id');
  const reqId = Number(r.u64('request id'));
  const at = r.pos;
  const mutation = readJson(r, 'mutation');
  const problem = checkMutation(mutation);
  if (problem !== undefined) throw invalid(`bad mutation: ${problem}`, at);
  return { clientId, reqId, mutation: mutation as Mutation };
}

function writeReply(w: Writer, p: ClientReply): void {
  w.string(p.clientId).u64(BigInt(p.reqId)).bool(p.ok);
  w.s64(BigInt(p.epoch ?? -1)).s32(p.leader ?? -1);
  w.string(p.error ?? '');
  writeJson(w, p.result === undefined ? null : { v: p.result });
}

function readReply(r: Reader): ClientReply {
  const clientId = r.string('client id');
  const reqId = Number(r.u64('request id'));
  const ok = r.bool('ok');
  const epoch = Number(r.s64('epoch'));
  const leader = r.s32('leader');
  const error = r.string('error');
  const at = r.pos;
  const result = readJson(r, 'result');
  const reply: ClientReply = { clientId, reqId, ok };
  if (epoch >= 0) reply.epoch = epoch;
  if (leader >= 0) reply.leader = leader;
  if (error !== '') reply.error = error;
  if (result !== null) {
    if (typeof result !== 'object' || !('v' in result)) throw invalid('bad reply result', at);
    reply.result = (result as { v: unknown }).v;
  }
  return reply;
}

function writePaxos(w: Writer, m: PaxosMessage): void {
  w.u8(tagOf(PAXOS_OPS, m.op)).u32(m.epoch).u64(m.pn).u64(m.firstCommitted).u64(m.lastCommitted);
  w.u32(m.values.length);
  for (const { version, value } of m.values) w.u64(version).blob(value);
  w.u64(m.uncommittedPn).u32(m.leaseTicks);
}

function readPaxos(r: Reader): PaxosMessage {
  const at = r.pos;
  const op = fromTag(PAXOS_OPS, r.u8('paxos op'), 'paxos op', at);
  const epoch = r.u32('epoch');
  const pn = r.u64('pn');
  const firstCommitted = r.u64('first_committed');
  const lastCommitted = r.u64('last_committed');
  const values = r.list('paxos values', (x) => ({ version: x.u64('version'), value: x.blob('value') }), 12);
  const uncommittedPn = r.u64('uncommitted pn');
  const leaseTicks = r.u32('lease ticks');
  return { type: 'paxos', op, epoch, pn, firstCommitted, lastCommitted, values, uncommittedPn, leaseTicks };
}

export function encodeMessage(msg: QuorumMessage): Uint8Array {
  const w = new Writer(64);
  const mark = w.envelope(MESSAGE_V, MESSAGE_V);
  w.u8(tagOf(TYPES, msg.type));
  switch (msg.type) {
    case 'election':
      w.u8(tagOf(ELECTION_OPS, msg.op)).u32(msg.epoch).u32(msg.quorum.length);
      for (const q of msg.quorum) w.u32(q);
      break;
    case 'paxos':
      writePaxos(w, msg);
      break;
    case 'sync':
      w.u8(tagOf(SYNC_OPS, msg.op)).u32(msg.epoch).u32(msg.entries.length);
      for (const [k, v] of msg.entries) w.string(k).blob(v);
      break;
    case 'forward':
      writeRequest(w, msg.request);
      break;
    case 'route':
      writeReply(w, msg.reply);
      break;
  }
  w.finish(mark);
  return w.bytes();
}

function decodeBody(r: Reader): QuorumMessage {
  const at = r.pos;
  const type = fromTag(TYPES, r.u8('message type'), 'message type', at);
  switch (type) {
    case 'election': {
      const opAt = r.pos;
      const op = fromTag(ELECTION_OPS, r.u8('election op'), 'election op', opAt);
      const epoch = r.u32('election epoch');
      const quorum = r.list('quorum', (x) => x.u32('rank'), 4);
      return { type, op, epoch, quorum };
    }
    case 'paxos':
      return readPaxos(r);
    case 'sync': {
      const opAt = r.pos;
      const op = fromTag(SYNC_OPS, r.u8('sync op'), 'sync op', opAt);
      const epoch = r.u32('election epoch');
      const entries = r.list('sync entries', (x): [string, Uint8Array] => [x.string('key'), x.blob('value')], 8);
      return { type, op, epoch, entries };
    }
    case 'forward':
      return { type, request: readRequest(r) };
    case 'route':
      return { type, reply: readReply(r) };
  }
}

/** Decodes one message body; throws MonctlError (DECODE_*) on anything malformed. */
export function decodeMessage(bytes: Uint8Array): QuorumMessage {
  const r = new Reader(bytes);
  const env = r.envelope('quorum message', MESSAGE_V);
  const msg = decodeBody(r);
  r.finish(env, 'quorum message');
  r.end('quorum message');
  return msg;
}
