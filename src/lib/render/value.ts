import { hexHead } from '../encoding/index.js';

/** How `store dump` shows a value. Later codecs register decoders for maps here. */
export type RenderedValue =
  | { type: 'u64'; value: bigint }
  | { type: 'text'; value: string }
  | { type: 'hex'; value: string; truncated: boolean }
  | { type: 'decoded'; decoder: string; summary: string; value: unknown };

/**
 * Decodes the values of some keys (paxos transactions now; OSDMaps, MonMaps and CRUSH maps
 * as their codecs land). Returns undefined for keys it does not handle; throws a
 * MonctlError for a value it handles but cannot decode.
 */
export type ValueDecoder = (prefix: string, key: string, value: Uint8Array) => RenderedValue | undefined;

const VERSION_KEY = /^(first_committed|last_committed|full_latest|pending_v|pending_pn|accepted_pn|last_pn|election_epoch)$/;

function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if ((b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** u64 for version keys, text when the bytes are printable UTF-8, else a hex head. */
export function renderValue(prefix: string, key: string, value: Uint8Array, opts: { decoders?: readonly ValueDecoder[]; hexBytes?: number } = {}): RenderedValue {
  for (const decode of opts.decoders ?? []) {
    const r = decode(prefix, key, value);
    if (r) return r;
  }
  if (value.length === 8 && VERSION_KEY.test(key)) {
    return { type: 'u64', value: new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0, true) };
  }
  if (isText(value)) return { type: 'text', value: new TextDecoder().decode(value) };
  const n = opts.hexBytes ?? 32;
  return { type: 'hex', value: hexHead(value, n).replace(' …', ''), truncated: value.length > n };
}

export function formatRendered(v: RenderedValue): string {
  switch (v.type) {
    case 'u64':
      return v.value.toString();
    case 'text':
      return JSON.stringify(v.value);
    case 'hex':
      return v.truncated ? `${v.value} …` : v.value;
    case 'decoded':
      return `${v.decoder}: ${v.summary}`;
  }
}
