/**
 * DECODE_START_LEGACY_COMPAT_LEN (Ceph src/include/encoding.h DECODE_START_LEGACY_COMPAT_LEN): u8 struct_v; the compat byte only when
 * struct_v ≥ compatv, the u32 length only when struct_v ≥ lenv. Without a length nothing can
 * be skipped at the end. `skipBytes` is 1 for the _16 variant (MonMap), whose oldest encoders
 * wrote a u16 version: below compatv the decoder skips its high byte.
 */
import { Reader } from '../encoding/index.js';
import { MonctlError } from '../errors.js';

export interface LegacyEnvelope {
  version: number;
  compat: number;
  /** True when the encoding carried a length (struct_v ≥ lenv). */
  hasLength: boolean;
  /** DECODE_FINISH: checks an overrun and skips (and returns) an unread tail. */
  finish(): Uint8Array;
}

export function legacyEnvelope(
  r: Reader,
  what: string,
  supported: number,
  compatv: number,
  lenv: number,
  skipBytes = 0,
): LegacyEnvelope {
  const at = r.pos;
  const version = r.u8(`${what} struct_v`);
  let compat = version;
  if (version >= compatv) compat = r.u8(`${what} struct_compat`);
  else if (skipBytes > 0) r.raw(skipBytes, `${what} legacy version high bytes`);
  if (compat > supported) {
    throw new MonctlError('DECODE_TOO_NEW', `${what} encoding v${version} (compat ${compat}) is newer than supported (v${supported})`, {
      offset: at,
      actions: ['Use a monctl release that knows this Ceph version, or the Ceph tools of that release.'],
    });
  }
  if (version < lenv) {
    return { version, compat, hasLength: false, finish: () => new Uint8Array(0) };
  }
  const lenAt = r.pos;
  const len = r.u32(`${what} struct_len`);
  if (len > r.limit - r.pos) {
    throw new MonctlError('DECODE_TRUNCATED', `${what} struct_len ${len} runs past the ${r.limit - r.pos} bytes left`, {
      offset: lenAt,
      actions: ['The value is shorter than its encoding says: restore it from a backup or another monitor.'],
    });
  }
  const start = r.pos;
  const end = start + len;
  return {
    version,
    compat,
    hasLength: true,
    finish: () => r.finish({ version, compat, start, end }, what),
  };
}
