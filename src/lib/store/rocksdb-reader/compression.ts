import { inflateRawSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { snappyUncompress } from '../leveldb-reader/snappy.js';

/** RocksDB's CompressionType (include/rocksdb/compression_type.h): a block trailer's first byte. */
export const COMPRESSION_NAMES: Record<number, string> = {
  0: 'none',
  1: 'snappy',
  2: 'zlib',
  3: 'bzip2',
  4: 'lz4',
  5: 'lz4hc',
  6: 'xpress',
  7: 'zstd',
};

/** A compressed block monctl cannot undo; the caller names the file and offset. */
export class UnsupportedCompression extends Error {
  constructor(readonly codec: string) {
    super(`blocks compressed with ${codec}`);
  }
}

/** A varint32 at the start of `b` (GetDecompressedSizeInfo): the uncompressed size. */
function sizePrefix(b: Uint8Array): { size: number; start: number } {
  let size = 0;
  for (let i = 0, shift = 0; i < 5 && i < b.length; i++, shift += 7) {
    const byte = b[i]!;
    size += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return { size, start: i + 1 };
  }
  throw new Error('bad uncompressed-size prefix');
}

/**
 * A compressed block's contents (UncompressData, compress_format_version 2, which every
 * block-based format_version >= 2 uses): snappy as is; zlib (raw deflate), LZ4 and zstd (one
 * frame, through the fzstd decoder) after a varint32 of the uncompressed size. Ceph's monitors
 * write no compression by default (mon_rocksdb_options); bzip2 and xpress are refused by name.
 */
export function uncompressBlock(type: number, data: Uint8Array): Uint8Array {
  switch (type) {
    case 1:
      return snappyUncompress(data);
    case 2: {
      const { size, start } = sizePrefix(data);
      const out = inflateRawSync(data.subarray(start));
      if (out.length !== size) throw new Error(`zlib block inflated to ${out.length} bytes, not ${size}`);
      return out;
    }
    case 4:
    case 5: {
      const { size, start } = sizePrefix(data);
      return lz4Block(data.subarray(start), size);
    }
    case 7: {
      const { size, start } = sizePrefix(data);
      const out = zstdDecompress(data.subarray(start), new Uint8Array(size));
      if (out.length !== size) throw new Error(`zstd block decompressed to ${out.length} bytes, not ${size}`);
      return out;
    }
    default:
      throw new UnsupportedCompression(COMPRESSION_NAMES[type] ?? `compression type ${type}`);
  }
}

/** The LZ4 block format (lz4_Block_format.md): literal runs and back-references. */
export function lz4Block(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let i = 0;
  let o = 0;
  const bad = (why: string) => new Error(`LZ4 block: ${why} at input byte ${i}`);
  while (i < src.length) {
    const token = src[i++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      for (let b = 255; b === 255; lit += b) {
        if (i >= src.length) throw bad('truncated literal length');
        b = src[i++]!;
      }
    }
    if (i + lit > src.length || o + lit > size) throw bad('literals run past the end');
    out.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i >= src.length) break; // the last sequence has literals only
    if (i + 2 > src.length) throw bad('truncated offset');
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      for (let b = 255; b === 255; len += b) {
        if (i >= src.length) throw bad('truncated match length');
        b = src[i++]!;
      }
    }
    if (offset === 0 || offset > o || o + len > size) throw bad('bad match');
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset]!;
  }
  if (o !== size) throw bad(`decoded ${o} bytes, expected ${size}`);
  return out;
}
