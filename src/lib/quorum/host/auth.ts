/**
 * HMAC-SHA256 challenge-response on a shared cluster secret (the `secret` file, mode 0600).
 * Mutual: the server proves it knows the secret too, so a client never sends a mutation to an
 * impostor. Nonces on both sides make every proof single-use.
 *
 *   server → HELLO   nonceS (32 bytes)
 *   client → AUTH    role u8 | rank u32 LE | nonceC (32) | HMAC(secret, "monctl-auth-v1\0" nonceS nonceC role rank)
 *   server → AUTH_OK HMAC(secret, "monctl-auth-v1-server\0" nonceC nonceS)
 *         or AUTH_FAIL (empty) and the connection is closed: the client's HMAC was wrong
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const NONCE_BYTES = 32;
const MAC_BYTES = 32;
/** The AUTH payload: the largest frame of the handshake. */
export const AUTH_BYTES = 1 + 4 + NONCE_BYTES + MAC_BYTES;
const CLIENT_LABEL = Buffer.from('monctl-auth-v1\0');
const SERVER_LABEL = Buffer.from('monctl-auth-v1-server\0');

export type Role = 'client' | 'peer';

export interface AuthClaim {
  role: Role;
  /** The peer's rank (0 for clients). */
  rank: number;
}

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

function claimBytes(c: AuthClaim): Buffer {
  const b = Buffer.alloc(5);
  b[0] = c.role === 'peer' ? 1 : 0;
  b.writeUInt32LE(c.rank, 1);
  return b;
}

function mac(secret: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The client's AUTH payload answering the server's challenge. */
export function authResponse(secret: Uint8Array, serverNonce: Uint8Array, claim: AuthClaim): { payload: Buffer; clientNonce: Buffer } {
  const clientNonce = newNonce();
  const claimed = claimBytes(claim);
  return { payload: Buffer.concat([claimed, clientNonce, mac(secret, CLIENT_LABEL, serverNonce, clientNonce, claimed)]), clientNonce };
}

/** Checks an AUTH payload; the claim when the HMAC is right, else undefined. */
export function verifyAuth(secret: Uint8Array, serverNonce: Uint8Array, payload: Uint8Array): { claim: AuthClaim; clientNonce: Buffer } | undefined {
  if (payload.length !== AUTH_BYTES) return undefined;
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const claimed = buf.subarray(0, 5);
  if (claimed[0]! > 1) return undefined;
  const clientNonce = buf.subarray(5, 5 + NONCE_BYTES);
  const expected = mac(secret, CLIENT_LABEL, serverNonce, clientNonce, claimed);
  if (!timingSafeEqual(expected, buf.subarray(5 + NONCE_BYTES))) return undefined;
  return { claim: { role: claimed[0] === 1 ? 'peer' : 'client', rank: claimed.readUInt32LE(1) }, clientNonce: Buffer.from(clientNonce) };
}

/** The server's AUTH_OK proof. */
export function serverProof(secret: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array): Buffer {
  return mac(secret, SERVER_LABEL, clientNonce, serverNonce);
}

export function verifyServerProof(secret: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array, proof: Uint8Array): boolean {
  return proof.length === MAC_BYTES && timingSafeEqual(serverProof(secret, clientNonce, serverNonce), proof);
}
