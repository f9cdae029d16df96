/**
 * HitSet::Params (Ceph src/osd/HitSet.cc HitSet::Params::encode), a cache-tier pool's hit_set_params: envelope(1,1) around a
 * u8 type, then the type's own parameters. Only BLOOM has any: envelope(1,1) around u32
 * fpp_micro, u64 target_size, u64 seed. The explicit types write nothing after the type byte
 * (their Params keep the base class's empty encode: no envelope either).
 */
import { Reader, Writer } from '../encoding/index.js';
import { MonctlError } from '../errors.js';

export const HIT_SET_TYPE = { NONE: 0, EXPLICIT_HASH: 1, EXPLICIT_OBJECT: 2, BLOOM: 3 } as const;
const TYPE_NAMES = ['none', 'explicit_hash', 'explicit_object', 'bloom'];

export interface BloomParams {
  /** False-positive probability in millionths. */
  fppMicro: number;
  targetSize: bigint;
  seed: bigint;
}

export interface HitSetParams {
  type: number;
  bloom?: BloomParams;
  /** Unread bytes of newer minor versions: of the bloom envelope, and of the outer one. */
  implTail?: Uint8Array;
  tail?: Uint8Array;
}

export function decodeHitSetParams(r: Reader): HitSetParams {
  const env = r.envelope('HitSet::Params', 1);
  const at = r.pos;
  const type = r.u8('HitSet::Params type');
  const out: HitSetParams = { type };
  if (type > HIT_SET_TYPE.BLOOM) {
    throw new MonctlError('DECODE_INVALID', `HitSet::Params type ${type} is unknown`, {
      offset: at,
      actions: ['The value is corrupt: restore it from a backup or another monitor.'],
    });
  }
  if (type === HIT_SET_TYPE.BLOOM) {
    const impl = r.envelope('HitSet::Params bloom', 1);
    out.bloom = {
      fppMicro: r.u32('bloom fpp_micro'),
      targetSize: r.u64('bloom target_size'),
      seed: r.u64('bloom seed'),
    };
    const implTail = r.finish(impl, 'HitSet::Params bloom');
    if (implTail.length > 0) out.implTail = implTail;
  }
  const tail = r.finish(env, 'HitSet::Params');
  if (tail.length > 0) out.tail = tail;
  return out;
}

export function encodeHitSetParams(w: Writer, p: HitSetParams): void {
  const mark = w.envelope(1, 1);
  w.u8(p.type);
  if (p.type === HIT_SET_TYPE.BLOOM) {
    const impl = w.envelope(1, 1);
    const b = p.bloom ?? { fppMicro: 0, targetSize: 0n, seed: 0n };
    w.u32(b.fppMicro).u64(b.targetSize).u64(b.seed);
    if (p.implTail) w.raw(p.implTail);
    w.finish(impl);
  }
  if (p.tail) w.raw(p.tail);
  w.finish(mark);
}

export function hitSetTypeName(type: number): string {
  return TYPE_NAMES[type] ?? '???';
}

export function dumpHitSetParams(p: HitSetParams): Record<string, unknown> {
  const out: Record<string, unknown> = { type: hitSetTypeName(p.type) };
  if (p.type === HIT_SET_TYPE.BLOOM && p.bloom) {
    out.false_positive_probability = p.bloom.fppMicro / 1_000_000;
    out.target_size = p.bloom.targetSize;
    out.seed = p.bloom.seed;
  }
  return out;
}
