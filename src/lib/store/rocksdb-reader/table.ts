import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MonctlError } from '../../errors.js';
import { errnoOf, storeFileError } from '../fs-errors.js';
import { ByteCursor, compareBytes, UnsupportedStore } from '../leveldb-reader/format.js';
import { builtinChecksum, CHECKSUM_NAMES, CHECKSUM_NONE, CHECKSUM_XXH3, contextModifier } from './checksum.js';
import { COMPRESSION_NAMES, UnsupportedCompression, uncompressBlock } from './compression.js';
import { forEachBlockEntry, restartArrayStart } from '../block-entries.js';
import { BYTEWISE_COMPARATOR, TYPE_RANGE_DELETION, type RangeTombstone } from './types.js';

/** table/format.h: block-based tables end in this magic; legacy (LevelDB) tables in the other. */
const BLOCK_BASED_MAGIC = [0xf7, 0xcf, 0xf4, 0x85, 0xb7, 0x41, 0xe2, 0x88];
const LEGACY_MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
/** Footer of format_version >= 1: checksum type, 40 bytes of handles, version, magic. */
const FOOTER_SIZE = 53;
const TRAILER_SIZE = 5;
const EXTENDED_MAGIC = [0x3e, 0x00, 0x7a, 0x00];
const MAX_FORMAT_VERSION = 6;
/** IndexType (table.h) as the properties block stores it. */
const INDEX_BINARY = 0;
const INDEX_HASH = 1;
const INDEX_TWO_LEVEL = 2;
const INDEX_BINARY_FIRST_KEY = 3;
/** DataBlockFooter bits (data_block_footer.cc) above the restart count. */
const HASH_INDEX_BIT = 0x80000000;
const UNIFORM_KEYS_BIT = 0x20000000;
const SEPARATED_KV_BIT = 0x10000000;
const WINDOW = 1 << 20;

export interface TableProperties {
  indexType: number;
  indexKeyIsUserKey: boolean;
  indexValueIsDeltaEncoded: boolean;
  comparator?: string;
  columnFamilyId?: number;
}

/** A data block's contents: entries in data[start, limit) (the restart array excluded). */
export interface BlockView {
  data: Uint8Array;
  start: number;
  limit: number;
}

const damaged = (name: string, offset: number, what: string) =>
  new MonctlError('DECODE_INVALID', `RocksDB table ${name} is damaged: ${what}`, {
    offset,
    actions: [
      'Run `monctl store check` for every damaged file; restore store.db from a backup or rebuild this monitor from its peers (remove it from the monmap and add it again).',
    ],
  });

const tooNew = (name: string, what: string) =>
  new MonctlError('DECODE_TOO_NEW', `RocksDB table ${name} uses ${what}, which monctl does not read`, {
    actions: [`Read this store with the ceph-kvstore-tool of the Ceph release that wrote it, or report the format to monctl's maintainers.`],
  });

/**
 * One block-based table file (an .sst), read-only through positional reads: its footer,
 * properties, every data block handle (index partitions flattened), its range tombstones,
 * and data blocks on demand with their checksums verified (ReadOptions::verify_checksums
 * defaults to true in RocksDB, and ceph-kvstore-tool keeps it).
 */
export class SstTable {
  formatVersion = 0;
  checksumType = 0;
  private baseContext = 0;
  props!: TableProperties;
  /** Per data block: its separator (a user key >= every key in it), offset and size. */
  separators: Uint8Array[] = [];
  offsets: number[] = [];
  sizes: number[] = [];
  tombstones: RangeTombstone[] = [];
  private window = new Uint8Array(0);
  private windowStart = 0;
  readonly size: number;

  /** This table's error for a malformed small block (for the shared block walkers). */
  private readonly bad = (what: string, offset: number) => damaged(this.name, offset, what);

  private constructor(
    readonly name: string,
    private fd: number,
  ) {
    this.size = fstatSync(fd).size;
  }

  static open(path: string, name: string): SstTable {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const err = storeFileError(path, `table file ${path.split('/').pop()}`, e);
      if (errnoOf(e) === 'ENOENT') {
        err.actions.unshift('If a monitor is running on this store, its files changed while monctl read them: run the command again.');
        err.actions.push('Otherwise the MANIFEST lists a table file that is gone: the store is damaged.');
      }
      throw err;
    }
    const t = new SstTable(name, fd);
    try {
      t.load();
    } catch (e) {
      t.close();
      // A field that runs past its block (ByteCursor) in a block whose checksum held.
      if (e instanceof UnsupportedStore) throw damaged(name, 0, e.reason);
      throw e;
    }
    return t;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Bytes [off, off+len) of the file, through a read-ahead window. */
  private bytes(off: number, len: number): Uint8Array {
    if (off < 0 || off + len > this.size) throw damaged(this.name, off, `a block at ${off} (${len} bytes) runs past the end of the ${this.size}-byte file`);
    if (off < this.windowStart || off + len > this.windowStart + this.window.length) {
      const want = Math.min(Math.max(len, WINDOW), this.size - off);
      // A fresh buffer per window: views handed out earlier (a block being iterated) stay valid.
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const n = readSync(this.fd, buf, got, want - got, off + got);
        if (n === 0) throw damaged(this.name, off + got, 'the file ended early (truncated while being read?)');
        got += n;
      }
      this.window = buf.subarray(0, want);
      this.windowStart = off;
    }
    return this.window.subarray(off - this.windowStart, off - this.windowStart + len);
  }

  private load(): void {
    if (this.size < FOOTER_SIZE) throw damaged(this.name, 0, `file of ${this.size} bytes is too short for a table footer`);
    const footerOff = this.size - FOOTER_SIZE;
    const f = this.bytes(footerOff, FOOTER_SIZE).slice();
    const magic = f.subarray(FOOTER_SIZE - 8);
    if (LEGACY_MAGIC.every((b, i) => magic[i] === b)) throw tooNew(this.name, 'the LevelDB table format (format_version 0)');
    if (!BLOCK_BASED_MAGIC.every((b, i) => magic[i] === b)) throw damaged(this.name, this.size - 8, 'bad footer magic (not a RocksDB block-based table)');
    const fc = new ByteCursor(f);
    this.checksumType = f[0]!;
    this.formatVersion = new ByteCursor(f, FOOTER_SIZE - 12).fixed32('format version');
    if (this.formatVersion < 2 || this.formatVersion > MAX_FORMAT_VERSION) throw tooNew(this.name, `table format_version ${this.formatVersion} (monctl reads 2 to ${MAX_FORMAT_VERSION})`);
    if (this.checksumType > CHECKSUM_XXH3) throw tooNew(this.name, `checksum type ${this.checksumType}`);
    let metaOff: number;
    let metaSize: number;
    let index: { off: number; size: number } | undefined;
    if (this.formatVersion >= 6) {
      if (!EXTENDED_MAGIC.every((b, i) => f[1 + i] === b)) throw damaged(this.name, footerOff + 1, 'bad extended footer magic');
      const c = new ByteCursor(f, 5);
      const stored = c.fixed32('footer checksum');
      this.baseContext = c.fixed32('base context checksum');
      metaSize = c.fixed32('metaindex size');
      metaOff = footerOff - TRAILER_SIZE - metaSize;
      if (this.checksumType !== CHECKSUM_NONE) {
        const zeroed = f.slice();
        zeroed.fill(0, 5, 9);
        const want = (builtinChecksum(this.checksumType, zeroed) + contextModifier(this.baseContext, footerOff)) >>> 0;
        if (want !== stored) throw damaged(this.name, footerOff, 'footer checksum mismatch');
      }
    } else {
      fc.pos = 1;
      metaOff = fc.varint('metaindex offset');
      metaSize = fc.varint('metaindex size');
      index = { off: fc.varint('index offset'), size: fc.varint('index size') };
    }
    const meta = new Map<string, { off: number; size: number }>();
    forEachBlockEntry(this.block(metaOff, metaSize), this.bad, (k, kl, v) => {
      const h = new ByteCursor(v);
      meta.set(Buffer.from(k.subarray(0, kl)).toString('latin1'), { off: h.varint('meta handle'), size: h.varint('meta handle') });
    });
    index ??= meta.get('rocksdb.index');
    const props = meta.get('rocksdb.properties');
    if (!index || !props) throw damaged(this.name, metaOff, 'the metaindex lacks the index or properties block');
    this.props = this.readProperties(props.off, props.size);
    if (this.props.comparator !== undefined && this.props.comparator !== BYTEWISE_COMPARATOR) throw tooNew(this.name, `comparator ${this.props.comparator}`);
    if (meta.has('rocksdb.compression_dict')) throw tooNew(this.name, 'dictionary compression');
    this.readIndex(index.off, index.size);
    const rd = meta.get('rocksdb.range_del');
    if (rd) this.readTombstones(rd.off, rd.size);
  }

  private readProperties(off: number, size: number): TableProperties {
    const p: TableProperties = { indexType: INDEX_BINARY, indexKeyIsUserKey: false, indexValueIsDeltaEncoded: false };
    forEachBlockEntry(this.block(off, size).slice(), this.bad, (k, kl, v) => {
      const name = Buffer.from(k.subarray(0, kl)).toString('latin1');
      const c = new ByteCursor(v);
      if (name === 'rocksdb.block.based.table.index.type') p.indexType = c.fixed32('index type');
      else if (name === 'rocksdb.index.key.is.user.key') p.indexKeyIsUserKey = c.varint(name) !== 0;
      else if (name === 'rocksdb.index.value.is.delta.encoded') p.indexValueIsDeltaEncoded = c.varint(name) !== 0;
      else if (name === 'rocksdb.comparator') p.comparator = Buffer.from(v).toString('latin1');
      else if (name === 'rocksdb.column.family.id') p.columnFamilyId = c.varint(name);
      else if (name === 'rocksdb.external_sst_file.global_seqno') throw tooNew(this.name, 'ingested (external) table files');
    });
    return p;
  }

  /** Flattens the index (and, for a two-level index, its partitions) into separator + handle arrays. */
  private readIndex(off: number, size: number): void {
    const type = this.props.indexType;
    if (type !== INDEX_BINARY && type !== INDEX_HASH && type !== INDEX_TWO_LEVEL && type !== INDEX_BINARY_FIRST_KEY) {
      throw tooNew(this.name, `index type ${type}`);
    }
    const top = this.indexEntries(this.block(off, size).slice());
    if (type !== INDEX_TWO_LEVEL) {
      for (const e of top) this.addBlock(e.key, e.off, e.size);
      return;
    }
    for (const part of top) for (const e of this.indexEntries(this.block(part.off, part.size).slice())) this.addBlock(e.key, e.off, e.size);
  }

  private addBlock(sep: Uint8Array, off: number, size: number): void {
    this.separators.push(sep);
    this.offsets.push(off);
    this.sizes.push(size);
  }

  /** Index block entries (block.cc IndexBlockIter): keys user or internal, handles full or size deltas. */
  private indexEntries(b: Uint8Array): Array<{ key: Uint8Array; off: number; size: number }> {
    const out: Array<{ key: Uint8Array; off: number; size: number }> = [];
    const { indexKeyIsUserKey: userKey, indexValueIsDeltaEncoded: delta } = this.props;
    const firstKey = this.props.indexType === INDEX_BINARY_FIRST_KEY;
    const limit = restartArrayStart(b, 0, b.length);
    if (limit === undefined) throw damaged(this.name, 0, 'index block restart array larger than its block');
    const c = new ByteCursor(b, 0, limit);
    let key = new Uint8Array(64);
    let prev: { off: number; size: number } | undefined;
    while (!c.done) {
      const at = c.pos;
      const shared = c.varint('index shared length');
      const nonShared = c.varint('index key length');
      const valueLen = delta ? -1 : c.varint('index value length');
      if (shared > key.length) throw damaged(this.name, at, 'bad index entry');
      const suffix = c.bytes(nonShared, 'index key');
      if (shared + nonShared > key.length) {
        const grown = new Uint8Array(2 * (shared + nonShared));
        grown.set(key.subarray(0, shared));
        key = grown;
      }
      key.set(suffix, shared);
      const keyLen = shared + nonShared;
      const v = valueLen >= 0 ? new ByteCursor(c.bytes(valueLen, 'index value')) : c;
      let h: { off: number; size: number };
      if (delta && shared > 0 && prev) {
        const d = zigzag(v.varint('index size delta'));
        h = { off: prev.off + prev.size + TRAILER_SIZE, size: prev.size + d };
      } else h = { off: v.varint('block offset'), size: v.varint('block size') };
      if (firstKey) v.slice('first key');
      prev = h;
      const userLen = userKey ? keyLen : keyLen - 8;
      if (userLen < 0) throw damaged(this.name, at, 'index key shorter than an internal key');
      out.push({ key: key.slice(0, userLen), off: h.off, size: h.size });
    }
    return out;
  }

  private readTombstones(off: number, size: number): void {
    forEachBlockEntry(this.block(off, size).slice(), this.bad, (k, kl, v) => {
      if (kl < 8 || (k[kl - 8]! & 0xff) !== TYPE_RANGE_DELETION) throw damaged(this.name, off, 'a range tombstone without its type');
      this.tombstones.push({ start: k.slice(0, kl - 8), end: v.slice(), seq: seqOf(k, kl - 8) });
    });
  }

  /** A block's contents: bounds, trailer checksum (with the format-6 context) and compression. */
  block(off: number, size: number): Uint8Array {
    const raw = this.bytes(off, size + TRAILER_SIZE);
    const type = raw[size]!;
    if (this.checksumType !== CHECKSUM_NONE) {
      const stored = (raw[size + 1]! | (raw[size + 2]! << 8) | (raw[size + 3]! << 16) | (raw[size + 4]! << 24)) >>> 0;
      const want = (builtinChecksum(this.checksumType, raw.subarray(0, size + 1)) + contextModifier(this.baseContext, off)) >>> 0;
      if (stored !== want) throw damaged(this.name, off, `${CHECKSUM_NAMES[this.checksumType]} checksum mismatch in the block at offset ${off}`);
    }
    if (type === 0) return raw.subarray(0, size);
    try {
      return uncompressBlock(type, raw.subarray(0, size));
    } catch (e) {
      if (e instanceof UnsupportedCompression) throw tooNew(this.name, e.message);
      throw damaged(this.name, off, `${COMPRESSION_NAMES[type] ?? type} block does not decompress: ${(e as Error).message}`);
    }
  }

  /** Data block i as entries in data[start, limit). */
  dataBlock(i: number): BlockView {
    const data = this.block(this.offsets[i]!, this.sizes[i]!);
    return { data, start: 0, limit: dataRestartsOffset(data, this.name, this.offsets[i]!) };
  }

  /** The first data block whose separator is >= the user key (binary search). */
  firstBlockAtOrAfter(target: Uint8Array): number {
    let lo = 0;
    let hi = this.separators.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.separators[mid]!;
      if (compareBytes(s, 0, s.length, target, 0, target.length) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** The sequence number of an internal key's tag at key[u, u+8). */
export function seqOf(key: Uint8Array, u: number): number {
  const lo = (key[u]! | (key[u + 1]! << 8) | (key[u + 2]! << 16) | (key[u + 3]! << 24)) >>> 0;
  const hi = (key[u + 4]! | (key[u + 5]! << 8) | (key[u + 6]! << 16) | (key[u + 7]! << 24)) >>> 0;
  return hi * 0x1000000 + (lo >>> 8);
}

/** Where a data block's entries end: before its restarts and, if present, its hash index. */
function dataRestartsOffset(b: Uint8Array, name: string, off: number): number {
  const end = b.length;
  if (end < 4) throw damaged(name, off, 'data block shorter than its footer');
  const packed = (b[end - 4]! | (b[end - 3]! << 8) | (b[end - 2]! << 16) | (b[end - 1]! << 24)) >>> 0;
  if (packed & SEPARATED_KV_BIT) throw tooNew(name, 'data blocks with separated values');
  let hashIndex = 0;
  if (packed & HASH_INDEX_BIT) {
    if (end < 6) throw damaged(name, off, 'data block hash index truncated');
    hashIndex = 2 + (b[end - 6]! | (b[end - 5]! << 8));
  }
  // The restart count is the footer's low bits; the feature bits above it are not part of it.
  const n = (packed & ~(HASH_INDEX_BIT | UNIFORM_KEYS_BIT)) >>> 0;
  const limit = end - 4 - hashIndex - 4 * n;
  if (n > 0x0fffffff || limit < 0) throw damaged(name, off, 'restart array larger than its block');
  return limit;
}
