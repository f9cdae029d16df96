/**
 * entity_addr_t and entity_addrvec_t (Ceph src/msg/msg_types.cc entity_addr_t::encode): codecs, dump, the text forms Ceph prints
 * (`v2:127.0.0.1:3300/0`, `[v2:…,v1:…]`, `[::1]:6789`), a parser for them, and the 36-byte
 * in-memory image Ceph compares when it orders maps keyed by address (§1.9).
 */
import { Reader, Writer } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { FEATURE, FEATURES_ALL, hasFeature } from './features.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './inet.js';

export const ADDR_TYPE = { NONE: 0, LEGACY: 1, MSGR2: 2, ANY: 3, CIDR: 4 } as const;
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
/** sizeof the sockaddr union Ceph keeps (sockaddr_in6, the largest member). */
export const SOCKADDR_LEN = 28;
const LEGACY_SOCKADDR_STORAGE_LEN = 128;

export interface EntityAddr {
  /** ADDR_TYPE: 1 = msgr1 ("v1"), 2 = msgr2 ("v2"), 4 = CIDR (range blocklist). */
  type: number;
  /** Process nonce; for CIDR entries the prefix length. */
  nonce: number;
  /**
   * The sockaddr union as Ceph holds it in memory, always 28 bytes: u16 family (little-endian
   * host order), u16 port (big-endian), then the IPv4 address, or IPv6 flowinfo/address/scope.
   */
  sockaddr: Uint8Array;
  /** Set when decoded from the 136-byte pre-MSG_ADDR2 form, so re-encoding can repeat it. */
  legacyForm?: boolean;
}

export interface EntityAddrvec {
  v: EntityAddr[];
  /** Set when decoded from a single-address form (marker 0 or 1) instead of a vector. */
  singleMarker?: 0 | 1;
}

// ---- accessors and construction -------------------------------------------------------------

export function addrFamily(a: EntityAddr): number {
  return a.sockaddr[0]! | (a.sockaddr[1]! << 8);
}

export function addrPort(a: EntityAddr): number {
  const f = addrFamily(a);
  return f === AF_INET || f === AF_INET6 ? (a.sockaddr[2]! << 8) | a.sockaddr[3]! : 0;
}

/** The IP address bytes: 4 for IPv4, 16 for IPv6, none for other families. */
export function addrIp(a: EntityAddr): Uint8Array {
  const f = addrFamily(a);
  if (f === AF_INET) return a.sockaddr.subarray(4, 8);
  if (f === AF_INET6) return a.sockaddr.subarray(8, 24);
  return new Uint8Array(0);
}

/** A blank address: type NONE, family 0 (what Ceph default-constructs). */
export function blankEntityAddr(nonce = 0): EntityAddr {
  return { type: ADDR_TYPE.NONE, nonce, sockaddr: new Uint8Array(SOCKADDR_LEN) };
}

/** An address from its parts; `ip` has 4 (IPv4) or 16 (IPv6) bytes. */
export function makeEntityAddr(type: number, ip: Uint8Array, port: number, nonce = 0): EntityAddr {
  const sockaddr = new Uint8Array(SOCKADDR_LEN);
  const family = ip.length === 4 ? AF_INET : ip.length === 16 ? AF_INET6 : -1;
  if (family < 0) throw new RangeError(`an IP address has 4 or 16 bytes, not ${ip.length}`);
  sockaddr[0] = family;
  sockaddr[2] = (port >> 8) & 0xff;
  sockaddr[3] = port & 0xff;
  sockaddr.set(ip, family === AF_INET ? 4 : 8);
  return { type, nonce: nonce >>> 0, sockaddr };
}

// ---- entity_addr_t codec --------------------------------------------------------------------

/** Length Ceph writes for the sockaddr: the family's struct, or the whole union. */
function sockaddrLen(a: EntityAddr): number {
  const f = addrFamily(a);
  return f === AF_INET ? 16 : SOCKADDR_LEN;
}

export function decodeEntityAddr(r: Reader): EntityAddr {
  const at = r.pos;
  const marker = r.u8('entity_addr_t marker');
  if (marker === 0) return decodeLegacyAfterMarker(r);
  if (marker !== 1) {
    throw new MonctlError('DECODE_INVALID', `entity_addr_t marker ${marker} is neither 0 (legacy) nor 1`, {
      offset: at,
      actions: ['The value is corrupt: restore it from a backup or another monitor.'],
    });
  }
  return decodeAddrBody(r);
}

/** The enveloped body that follows marker 1 (also the single-address form of an addrvec). */
function decodeAddrBody(r: Reader): EntityAddr {
  const env = r.envelope('entity_addr_t', 1);
  const type = r.u32('entity_addr_t type');
  const nonce = r.u32('entity_addr_t nonce');
  const lenAt = r.pos;
  const elen = r.u32('entity_addr_t sockaddr length');
  const sockaddr = new Uint8Array(SOCKADDR_LEN);
  if (elen > 0) {
    if (elen < 2 || elen > SOCKADDR_LEN) {
      throw new MonctlError('DECODE_INVALID', `entity_addr_t sockaddr length ${elen} is outside 2..${SOCKADDR_LEN}`, {
        offset: lenAt,
        actions: ['The value is corrupt: restore it from a backup or another monitor.'],
      });
    }
    // The family is written as a little-endian u16, the rest as raw sockaddr bytes.
    sockaddr.set(r.raw(elen, 'entity_addr_t sockaddr'));
  }
  r.finish(env, 'entity_addr_t');
  return { type, nonce, sockaddr };
}

/** Pre-MSG_ADDR2 (pre-Nautilus) form: u32 type (0), u32 nonce, 128-byte sockaddr_storage. */
function decodeLegacyAfterMarker(r: Reader): EntityAddr {
  r.raw(3, 'legacy entity_addr_t type');
  const nonce = r.u32('legacy entity_addr_t nonce');
  const ss = r.raw(LEGACY_SOCKADDR_STORAGE_LEN, 'legacy entity_addr_t sockaddr_storage');
  // Here the family is in network order; Ceph converts it and keeps only the union's bytes.
  const family = (ss[0]! << 8) | ss[1]!;
  const sockaddr = new Uint8Array(SOCKADDR_LEN);
  sockaddr[0] = family & 0xff;
  sockaddr[1] = family >> 8;
  if (family === AF_INET) sockaddr.set(ss.subarray(2, 16), 2);
  else if (family === AF_INET6) sockaddr.set(ss.subarray(2, SOCKADDR_LEN), 2);
  else if (family !== AF_UNSPEC) sockaddr.set(ss.subarray(2, SOCKADDR_LEN), 2);
  const type = family === AF_UNSPEC ? ADDR_TYPE.NONE : ADDR_TYPE.LEGACY;
  return { type, nonce, sockaddr, legacyForm: true };
}

/**
 * Without MSG_ADDR2 the legacy 136-byte form; otherwise marker 1 and the envelope. Encoders
 * without SERVER_NAUTILUS write type ANY as LEGACY. An address decoded from the legacy form
 * is written in it again unless `features` are given explicitly.
 */
export function encodeEntityAddr(w: Writer, a: EntityAddr, features?: bigint): void {
  const f = features ?? (a.legacyForm ? FEATURES_ALL & ~FEATURE.MSG_ADDR2 : FEATURES_ALL);
  if (!hasFeature(f, FEATURE.MSG_ADDR2)) {
    encodeLegacy(w, a);
    return;
  }
  w.u8(1);
  const mark = w.envelope(1, 1);
  const type = a.type === ADDR_TYPE.ANY && !hasFeature(f, FEATURE.SERVER_NAUTILUS) ? ADDR_TYPE.LEGACY : a.type;
  w.u32(type).u32(a.nonce);
  const elen = sockaddrLen(a);
  w.u32(elen).raw(a.sockaddr.subarray(0, elen));
  w.finish(mark);
}

function encodeLegacy(w: Writer, a: EntityAddr): void {
  const family = addrFamily(a);
  const ss = new Uint8Array(LEGACY_SOCKADDR_STORAGE_LEN);
  ss.set(a.sockaddr.subarray(0, SOCKADDR_LEN));
  ss[0] = family >> 8;
  ss[1] = family & 0xff;
  w.u32(0).u32(a.nonce).raw(ss);
}

// ---- entity_addrvec_t codec -----------------------------------------------------------------

export function decodeEntityAddrvec(r: Reader): EntityAddrvec {
  const at = r.pos;
  const marker = r.u8('entity_addrvec_t marker');
  if (marker === 0) return { v: [decodeLegacyAfterMarker(r)], singleMarker: 0 };
  if (marker === 1) return { v: [decodeAddrBody(r)], singleMarker: 1 };
  if (marker !== 2) {
    throw new MonctlError('DECODE_INVALID', `entity_addrvec_t marker ${marker} is above 2`, {
      offset: at,
      actions: ['The value is corrupt: restore it from a backup or another monitor.'],
    });
  }
  // The smallest element (marker 1, envelope, type, nonce, elen 0) takes 19 bytes.
  return { v: r.list('entity_addrvec_t', decodeEntityAddr, 19) };
}

/** Without MSG_ADDR2, Ceph writes only the vector's legacy (v1) address. */
export function encodeEntityAddrvec(w: Writer, av: EntityAddrvec, features?: bigint): void {
  const f = features ?? (av.singleMarker === 0 ? FEATURES_ALL & ~FEATURE.MSG_ADDR2 : FEATURES_ALL);
  if (!hasFeature(f, FEATURE.MSG_ADDR2)) {
    encodeLegacy(w, legacyAddr(av));
    return;
  }
  if (av.singleMarker === 1 && av.v.length === 1 && features === undefined) {
    encodeEntityAddr(w, av.v[0]!, f); // repeats the marker-1 single form it came from
    return;
  }
  w.u8(2).u32(av.v.length);
  for (const a of av.v) encodeEntityAddr(w, a, f);
}

/** Ceph's legacy_addr(): the first v1 address, else a blank one. */
export function legacyAddr(av: EntityAddrvec): EntityAddr {
  return av.v.find((a) => a.type === ADDR_TYPE.LEGACY) ?? blankEntityAddr();
}

/** Ceph's legacy_or_front_addr(): the first v1 address, else the first address, else blank. */
export function legacyOrFrontAddr(av: EntityAddrvec): EntityAddr {
  return av.v.find((a) => a.type === ADDR_TYPE.LEGACY) ?? av.v[0] ?? blankEntityAddr();
}

// ---- text and dump --------------------------------------------------------------------------

export function addrTypeName(type: number): string {
  return ['none', 'v1', 'v2', 'any', 'cidr'][type] ?? '???';
}

/** The sockaddr as Ceph prints it: `1.2.3.4:6789`, `[::1]:6789`, or the unknown-family text. */
export function formatSockaddr(a: EntityAddr): string {
  const f = addrFamily(a);
  if (f === AF_INET) return `${formatIPv4(addrIp(a))}:${addrPort(a)}`;
  if (f === AF_INET6) return `[${formatIPv6(addrIp(a))}]:${addrPort(a)}`;
  return `(unrecognized address family ${f})`;
}

/** `v2:127.0.0.1:3300/0`; `-` for type NONE; no prefix for type ANY. */
export function formatEntityAddr(a: EntityAddr): string {
  if (a.type === ADDR_TYPE.NONE) return '-';
  const prefix = a.type === ADDR_TYPE.ANY ? '' : `${addrTypeName(a.type)}:`;
  return `${prefix}${formatSockaddr(a)}/${a.nonce}`;
}

/** Nothing for an empty vector, the address alone for one, `[a,b]` for more. */
export function formatEntityAddrvec(av: EntityAddrvec): string {
  if (av.v.length === 0) return '';
  if (av.v.length === 1) return formatEntityAddr(av.v[0]!);
  return `[${av.v.map(formatEntityAddr).join(',')}]`;
}

/** Ceph's get_legacy_str(): the legacy-or-front address as `ip:port/nonce`, no type. */
export function formatLegacyStr(av: EntityAddrvec): string {
  const a = legacyOrFrontAddr(av);
  return `${formatSockaddr(a)}/${a.nonce}`;
}

export interface EntityAddrDump {
  type: string;
  addr: string;
  nonce: number;
}

export function dumpEntityAddr(a: EntityAddr): EntityAddrDump {
  return { type: addrTypeName(a.type), addr: formatSockaddr(a), nonce: a.nonce };
}

export function dumpEntityAddrvec(av: EntityAddrvec): { addrvec: EntityAddrDump[] } {
  return { addrvec: av.v.map(dumpEntityAddr) };
}

/**
 * The 36 bytes Ceph's operator< compares with memcmp: u32 type and u32 nonce in host
 * (little-endian) order, then the sockaddr union. Hence nonce 256 sorts before nonce 1.
 */
export function entityAddrKey(a: EntityAddr): Uint8Array {
  const key = new Uint8Array(8 + SOCKADDR_LEN);
  const view = new DataView(key.buffer);
  view.setUint32(0, a.type >>> 0, true);
  view.setUint32(4, a.nonce >>> 0, true);
  key.set(a.sockaddr.subarray(0, SOCKADDR_LEN), 8);
  return key;
}

/** Ceph's ordering of entity_addr_t (map keys such as blocklist entries). */
export function compareEntityAddr(a: EntityAddr, b: EntityAddr): number {
  const ka = entityAddrKey(a);
  const kb = entityAddrKey(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  }
  return 0;
}

// ---- parsing ----------------------------------------------------------------------------------

interface Parsed {
  addr: EntityAddr;
  /** Offset just past what was consumed. */
  end: number;
}

/**
 * Reads one address at `start` the way Ceph's entity_addr_t::parse does: optional `v1:`,
 * `v2:`, `any:` prefix (or `-` for none), IPv4 or IPv6 (bracketed when a port follows),
 * optional `:port`, optional `/nonce`. Returns undefined where Ceph's parse fails.
 */
function parseAddrAt(s: string, start: number, defaultType: number): Parsed | undefined {
  let type = defaultType;
  let p = start;
  for (const [prefix, t] of [['v1:', ADDR_TYPE.LEGACY], ['v2:', ADDR_TYPE.MSGR2], ['any:', ADDR_TYPE.ANY]] as const) {
    if (s.startsWith(prefix, p)) {
      type = t;
      p += prefix.length;
      break;
    }
  }
  if (p === start && s[p] === '-') return { addr: blankEntityAddr(), end: p + 1 };
  const brackets = s[p] === '[';
  if (brackets) p++;
  const v4Text = /^[0-9.]*/.exec(s.slice(p))![0];
  const v6Text = /^[0-9a-fA-F:]*/.exec(s.slice(p))![0];
  let ip = parseIPv4(v4Text);
  if (ip) p += v4Text.length;
  else {
    ip = parseIPv6(v6Text);
    if (!ip) return undefined;
    p += v6Text.length;
  }
  if (brackets) {
    if (s[p] !== ']') return undefined;
    p++;
  }
  const number = (): number | undefined => {
    const digits = /^[0-9]*/.exec(s.slice(p))![0];
    p += digits.length;
    return digits === '' ? 0 : Number(digits);
  };
  let port = 0;
  let nonce = 0;
  if (s[p] === ':') {
    p++;
    port = number()!;
    if (port > 0xffff) return undefined;
  }
  if (s[p] === '/') {
    p++;
    nonce = number()!;
    if (nonce > 0xffffffff) return undefined;
  }
  return { addr: makeEntityAddr(type, ip, port, nonce), end: p };
}

function badAddress(text: string, what: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', `cannot parse ${what} '${text}'`, {
    actions: ['Write an address as [v2:|v1:]IP[:PORT][/NONCE], IPv6 in brackets, e.g. v2:10.0.0.1:3300/0 or [v2:[::1]:3300,v1:[::1]:6789].'],
  });
}

/** One address, the whole text (Ceph's default type when no prefix is given is v2). */
export function parseEntityAddr(text: string, defaultType: number = ADDR_TYPE.MSGR2): EntityAddr {
  const parsed = parseAddrAt(text, 0, defaultType);
  if (!parsed || parsed.end !== text.length) throw badAddress(text, 'address');
  return parsed.addr;
}

/** `[addr,addr,…]` or a single address (a bracketed IPv6 address alone is a single address). */
export function parseEntityAddrvec(text: string, defaultType: number = ADDR_TYPE.MSGR2): EntityAddrvec {
  let p = 0;
  let brackets = false;
  if (text[0] === '[') {
    const single = parseAddrAt(text, 0, defaultType);
    if (!single || addrFamily(single.addr) !== AF_INET6) {
      brackets = true;
      p = 1;
    }
  }
  const v: EntityAddr[] = [];
  for (;;) {
    const parsed = parseAddrAt(text, p, defaultType);
    if (!parsed) throw badAddress(text, 'address vector');
    v.push(parsed.addr);
    p = parsed.end;
    if (!brackets || text[p] !== ',') break;
    p++;
  }
  if (brackets) {
    if (text[p] !== ']') throw badAddress(text, 'address vector');
    p++;
  }
  if (p !== text.length || v.length === 0) throw badAddress(text, 'address vector');
  return { v };
}
