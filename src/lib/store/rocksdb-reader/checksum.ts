import { createCRC32, createXXHash3, createXXHash32, createXXHash64, type IHasher } from 'hash-wasm';
import { leveldbCrc } from '../leveldb-reader/format.js';

/** RocksDB's ChecksumType (include/rocksdb/table.h): the byte in a table footer. */
export const CHECKSUM_NONE = 0;
export const CHECKSUM_CRC32C = 1;
export const CHECKSUM_XXHASH = 2;
export const CHECKSUM_XXHASH64 = 3;
export const CHECKSUM_XXH3 = 4;
export const CHECKSUM_NAMES = ['none', 'crc32c', 'xxHash', 'xxHash64', 'XXH3'];

const MASK_DELTA = 0xa282ead8;
/** The prime RocksDB folds the block's last (compression type) byte in with for XXH3. */
const LAST_BYTE_PRIME = 0x6b9083d9;

let hashers: { crc32c: IHasher; xxh32: IHasher; xxh64: IHasher; xxh3: IHasher } | undefined;
/**
 * CRC-32C of a whole block from the processor's CRC32 instruction, through the optional
 * prebuilt `@node-rs/crc32` (no build step; 2.7 times the speed of the WebAssembly one on 4 KiB
 * blocks, which decides whether a LevelDB listing keeps up with ceph-kvstore-tool's, that does
 * not verify them). null: not installed for this platform, or MONCTL_PORTABLE_CRC=1; then the
 * WebAssembly one. Both give the standard CRC-32C (test/unit/store/block-checksum.test.ts).
 */
let hardwareCrc32c: ((data: Uint8Array) => number) | null | undefined;

/**
 * Every checksum comes from WebAssembly (CRC-32C there runs at about twice the speed of the
 * slicing-by-8 TypeScript one on table blocks), block CRC-32Cs from the CPU when it can;
 * instantiated once, before any table is read.
 */
export async function loadChecksums(): Promise<void> {
  hashers ??= { crc32c: await createCRC32(0x82f63b78), xxh32: await createXXHash32(0), xxh64: await createXXHash64(0, 0), xxh3: await createXXHash3(0, 0) };
  if (hardwareCrc32c === undefined) {
    hardwareCrc32c = null;
    if (process.env.MONCTL_PORTABLE_CRC !== '1') {
      try {
        const { crc32c } = (await import('@node-rs/crc32')) as { crc32c: (data: Uint8Array) => number };
        if (crc32c(CHECK_INPUT) >>> 0 === CHECK_VALUE) hardwareCrc32c = crc32c;
      } catch {
        // Not installed for this platform: the WebAssembly CRC does the work.
      }
    }
  }
}

/** CRC-32C's check value (the standard CRC of "123456789"). */
const CHECK_INPUT = new TextEncoder().encode('123456789');
const CHECK_VALUE = 0xe3069283;

/** Which CRC-32C verifies blocks: 'cpu' (@node-rs/crc32), 'wasm' or, before loadChecksums(), 'typescript'. */
export function blockCrcImplementation(): 'cpu' | 'wasm' | 'typescript' {
  return hardwareCrc32c ? 'cpu' : hashers ? 'wasm' : 'typescript';
}

/** Lower 32 bits of a canonical (big-endian) digest: the whole value for 32-bit hashes. */
function low32(h: IHasher, data: Uint8Array): number {
  h.init();
  h.update(data);
  const d = h.digest('binary');
  const n = d.length;
  return ((d[n - 4]! << 24) | (d[n - 3]! << 16) | (d[n - 2]! << 8) | d[n - 1]!) >>> 0;
}

/**
 * LevelDB's masked CRC-32C of a block and its type byte (table/format.cc ReadBlock): from the
 * CPU or WebAssembly once loadChecksums() ran, else the TypeScript CRC.
 */
export function maskedBlockCrc32c(data: Uint8Array): number {
  const c = hardwareCrc32c ? hardwareCrc32c(data) >>> 0 : hashers ? low32(hashers.crc32c, data) : leveldbCrc(data);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;
}

/**
 * ComputeBuiltinChecksum (table/format.cc) over `data`, whose last byte is a block's
 * compression type (or, for a footer, its last byte): crc32c masked as LevelDB masks it,
 * xxHash32, the low half of xxHash64, or the low half of XXH3 over all but the last byte
 * with that byte xor-folded in.
 */
export function builtinChecksum(type: number, data: Uint8Array): number {
  switch (type) {
    case CHECKSUM_CRC32C:
      return maskedBlockCrc32c(data);
    case CHECKSUM_XXHASH:
      return low32(hashers!.xxh32, data);
    case CHECKSUM_XXHASH64:
      return low32(hashers!.xxh64, data);
    case CHECKSUM_XXH3: {
      if (data.length === 0) return 0;
      const last = data[data.length - 1]!;
      return (low32(hashers!.xxh3, data.subarray(0, data.length - 1)) ^ Math.imul(last, LAST_BYTE_PRIME)) >>> 0;
    }
    default:
      return 0;
  }
}

/**
 * ChecksumModifierForContext (table/format.h): format_version 6 adds the block's file
 * offset, mixed with the file's base context checksum, so a block copied to another place
 * fails its check. Zero when the base is zero (older formats).
 */
export function contextModifier(base: number, offset: number): number {
  if (base === 0) return 0;
  const lo = offset >>> 0;
  const hi = Math.floor(offset / 0x100000000) >>> 0;
  return (base ^ ((lo + hi) >>> 0)) >>> 0;
}
