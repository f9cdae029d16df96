/**
 * The monitor authentication cipher policy a Tentacle MonMap carries (struct_v 10, after the
 * stretch fields): auth_epoch (u32), auth_service_cipher (u32), auth_allowed_ciphers (a set of
 * u32, ascending) and auth_preferred_cipher (u32), CEPH_CRYPTO_* values. The codec keeps those
 * bytes as the map's tail (monmap.ts); this reads them for the text. A map without them has
 * Tentacle's defaults, which its monmaptool prints for any map: service aes, allowed aes and
 * aes256k, preferred aes. (Layout read from maps Tentacle's monmaptool wrote with
 * --auth-service-cipher / --auth-allowed-ciphers / --auth-preferred-cipher.)
 */
import { Reader } from '../encoding/index.js';

export interface MonAuthCiphers {
  epoch: number;
  service: number;
  allowed: number[];
  preferred: number;
}

/** CEPH_CRYPTO_NONE / AES / AES256KRB5 by their names in `ceph mon set auth_*cipher*`. */
const CIPHER_NAMES: Record<number, string> = { 0: 'none', 1: 'aes', 2: 'aes256k' };

export function cipherName(c: number): string {
  return CIPHER_NAMES[c] ?? 'unknown';
}

const DEFAULTS: MonAuthCiphers = { epoch: 0, service: 1, allowed: [1, 2], preferred: 1 };

/** The map's policy (struct_v 10 and later), else the defaults; undefined if the tail is not one. */
export function monAuthCiphers(m: { structV: number; tail?: Uint8Array }): MonAuthCiphers | undefined {
  if (m.structV < 10 || m.tail === undefined) return { ...DEFAULTS, allowed: [...DEFAULTS.allowed] };
  try {
    const r = new Reader(m.tail);
    const epoch = r.u32('auth_epoch');
    const service = r.u32('auth_service_cipher');
    const allowed = r.list('auth_allowed_ciphers', (x) => x.u32('cipher'), 4);
    const preferred = r.u32('auth_preferred_cipher');
    return { epoch, service, allowed, preferred };
  } catch {
    return undefined;
  }
}
