/** JSON payloads of the client frames (requests, replies, status), checked on the way in. */
import type { ClientReply, ClientRequest, Mutation } from '../api.js';
import { checkMutation } from '../mutation-check.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON with bigints as decimal strings (paxos numbers in a status or a result). */
export function toJsonBytes(value: unknown): Buffer {
  try {
    // Replies and requests hold no bigint: the plain (much faster) stringify, which throws on one.
    return Buffer.from(JSON.stringify(value));
  } catch {
    return Buffer.from(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }
}

export function parseJsonPayload(payload: Uint8Array): unknown {
  return JSON.parse(utf8.decode(payload));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A ClientRequest, or a thrown Error naming what is wrong with it. */
export function parseClientRequest(payload: Uint8Array): ClientRequest {
  const v = parseJsonPayload(payload);
  if (!isObject(v)) throw new Error('request is not an object');
  const { clientId, reqId, mutation } = v;
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 128) throw new Error('request has no valid clientId');
  if (typeof reqId !== 'number' || !Number.isSafeInteger(reqId) || reqId < 0) throw new Error('request has no valid reqId');
  const problem = checkMutation(mutation);
  if (problem !== undefined) throw new Error(`bad mutation: ${problem}`);
  return { clientId, reqId, mutation: mutation as Mutation };
}

export function parseClientReply(payload: Uint8Array): ClientReply {
  const v = parseJsonPayload(payload);
  if (!isObject(v) || typeof v.clientId !== 'string' || typeof v.reqId !== 'number' || typeof v.ok !== 'boolean') throw new Error('malformed reply');
  return v as unknown as ClientReply;
}
