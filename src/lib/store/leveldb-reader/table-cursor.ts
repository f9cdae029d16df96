import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { damagedFileError, storeFileError } from '../fs-errors.js';
import { BlockEntryCursor, forEachBlockEntry, restartArrayStart } from '../block-entries.js';
import { EMPTY } from './cursor.js';
import { maskedBlockCrc32c } from '../rocksdb-reader/checksum.js';
import { ByteCursor, compareBytes, UnsupportedStore } from './format.js';
import type { TableFile } from './manifest.js';
import { snappyUncompress } from './snappy.js';

/** table/format.h: a 48-byte footer ending in this magic; blocks carry a 5-byte trailer. */
const FOOTER_SIZE = 48;
const MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];

/** A table file's footer must end in LevelDB's magic (Footer::DecodeFrom): one 8-byte read. */
export function checkTableMagic(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw storeFileError(path, `table file ${path.split('/').pop()}`, e);
  }
  try {
    const size = fstatSync(fd).size;
    const tail = new Uint8Array(8);
    if (size < FOOTER_SIZE || readSync(fd, tail, 0, 8, size - 8) !== 8 || MAGIC.some((b, j) => tail[j] !== b)) {
      throw damagedFileError(path, 'bad footer magic (not a LevelDB table)', Math.max(0, size - 8));
    }
  } finally {
    closeSync(fd);
  }
}
const TRAILER_SIZE = 5;
const NO_COMPRESSION = 0;
const SNAPPY = 1;

export interface TableOptions {
  /** Check each block's masked CRC32C (LevelDB's ReadOptions::verify_checksums). */
  verifyChecksums: boolean;
}

/** `<n>.ldb`, or `<n>.sst` as LevelDB before 1.14 named table files; undefined if neither is there. */
export function tableFileName(number: number, names: Set<string>): string | undefined {
  const base = String(number).padStart(6, '0');
  return [`${base}.ldb`, `${base}.sst`].find((n) => names.has(n));
}

/**
 * A cursor over a sorted run of table files: one level-0 file, or a whole level >= 1
 * (files that do not overlap, in key order). Each file is read whole into one reused
 * buffer (one read per ~2 MiB file, not one per 4 KiB block); data blocks are parsed in
 * place, snappy blocks into one reused scratch buffer. Values are skipped, never copied.
 */
export class TableCursor extends BlockEntryCursor {

  private fileIdx = -1;
  private fileBuf = new Uint8Array(0);
  private file: Uint8Array = EMPTY;
  private fileName = '';
  /** Data block handles of the current file: offset, size, offset, size, ... */
  private blocks: number[] = [];
  private blockIdx = 0;
  private scratch = new Uint8Array(64 * 1024);

  constructor(
    private readonly paths: string[],
    private readonly files: TableFile[],
    private readonly opts: TableOptions,
  ) {
    super();
  }

  seek(target?: Uint8Array): void {
    let i = 0;
    if (target) {
      // The first file whose largest user key is >= target.
      while (i < this.files.length) {
        const l = this.files[i]!.largest;
        if (compareBytes(l, 0, l.length - 8, target, 0, target.length) >= 0) break;
        i++;
      }
    }
    if (!this.openFile(i)) return;
    if (target) {
      this.blockIdx = this.firstBlockAtOrAfter(target);
      this.pos = this.limit = 0;
      this.data = EMPTY;
    }
    this.next();
    while (target && this.valid && compareBytes(this.key, 0, this.keyLen, target, 0, target.length) < 0) this.next();
  }

  protected badEntry(p: number): Error {
    return damagedFileError(this.fileName, `bad block entry at offset ${p} of a block`);
  }

  private openFile(i: number): boolean {
    this.fileIdx = i;
    if (i >= this.files.length) {
      this.valid = false;
      return false;
    }
    this.fileName = this.paths[i]!;
    this.file = this.readWhole(this.fileName);
    const footer = new ByteCursor(this.file, this.file.length - FOOTER_SIZE);
    if (this.file.length < FOOTER_SIZE || MAGIC.some((b, j) => this.file[this.file.length - 8 + j] !== b)) {
      throw damagedFileError(this.fileName, 'bad footer magic (not a LevelDB table)', Math.max(0, this.file.length - 8));
    }
    this.blocks = [];
    try {
      footer.varint('metaindex offset');
      footer.varint('metaindex size');
      const index = this.block(footer.varint('index offset'), footer.varint('index size'));
      forEachEntry(index, this.fileName, (_k, _kl, v) => {
        const h = new ByteCursor(v);
        this.blocks.push(h.varint('block offset'), h.varint('block size'));
      });
    } catch (e) {
      // A handle that runs past its bytes: the footer or index block is damaged.
      if (!(e instanceof UnsupportedStore) || / compression type /.test(e.reason)) throw e;
      throw damagedFileError(this.fileName, `bad footer or index block: ${e.reason}`);
    }
    this.blockIdx = 0;
    this.pos = this.limit = 0;
    this.data = EMPTY;
    return true;
  }

  private firstBlockAtOrAfter(target: Uint8Array): number {
    const footer = new ByteCursor(this.file, this.file.length - FOOTER_SIZE);
    footer.varint('metaindex offset');
    footer.varint('metaindex size');
    const index = this.block(footer.varint('index offset'), footer.varint('index size')).slice();
    let found = -1;
    let n = 0;
    // An index key is >= every key of its block, so skip blocks whose separator is < target.
    forEachEntry(index, this.fileName, (k, kl) => {
      if (found < 0 && compareBytes(k, 0, kl - 8, target, 0, target.length) >= 0) found = n;
      n++;
    });
    return found < 0 ? this.blocks.length / 2 : found;
  }

  protected nextBlock(): boolean {
    while (this.blockIdx * 2 >= this.blocks.length) {
      if (!this.openFile(this.fileIdx + 1)) return false;
    }
    const off = this.blocks[this.blockIdx * 2]!;
    const size = this.blocks[this.blockIdx * 2 + 1]!;
    this.blockIdx++;
    // Uncompressed blocks are parsed where they lie in the file buffer (no view per block).
    const compressed = this.checkBlock(off, size);
    const data = compressed ? this.uncompress(off, size) : this.file;
    const start = compressed ? 0 : off;
    this.data = data;
    this.pos = start;
    this.limit = restartsOffset(data, start, compressed ? data.length : off + size, this.fileName);
    this.ikeyLen = 0;
    return true;
  }

  /** A block's contents (ReadBlock), for index blocks: checksum optionally verified, snappy undone. */
  private block(off: number, size: number): Uint8Array {
    return this.checkBlock(off, size) ? this.uncompress(off, size) : this.file.subarray(off, off + size);
  }

  /** Bounds, trailer and (optionally) checksum of a block; true when it is snappy-compressed. */
  private checkBlock(off: number, size: number): boolean {
    const f = this.file;
    if (off + size + TRAILER_SIZE > f.length) throw damagedFileError(this.fileName, `the block at offset ${off} (${size} bytes) runs past the end of the file`, off);
    const type = f[off + size]!;
    if (this.opts.verifyChecksums) {
      const stored = new ByteCursor(f, off + size + 1).fixed32('block crc');
      if (stored !== maskedBlockCrc32c(f.subarray(off, off + size + 1))) {
        throw damagedFileError(this.fileName, `crc32c checksum mismatch in the block at offset ${off}`, off);
      }
    }
    if (type === NO_COMPRESSION) return false;
    if (type !== SNAPPY) throw new UnsupportedStore(`${this.fileName}: block compression type ${type}`);
    return true;
  }

  private uncompress(off: number, size: number): Uint8Array {
    let out: Uint8Array;
    try {
      out = snappyUncompress(this.file.subarray(off, off + size), this.scratch);
    } catch (e) {
      if (!(e instanceof UnsupportedStore)) throw e;
      throw damagedFileError(this.fileName, `the snappy block at offset ${off} does not decompress: ${e.reason}`, off);
    }
    if (out.buffer !== this.scratch.buffer) this.scratch = new Uint8Array(out.length);
    return out;
  }

  private readWhole(path: string): Uint8Array {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      // Listed in the MANIFEST a moment ago: a running monitor may have compacted it away since.
      const err = storeFileError(path, `table file ${path.split('/').pop()}`, e);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') err.actions.unshift('If a monitor is running on this store, its files changed while monctl read them: run the command again.');
      throw err;
    }
    try {
      const size = fstatSync(fd).size;
      if (this.fileBuf.length < size) this.fileBuf = new Uint8Array(Math.max(size, this.fileBuf.length * 2));
      let got = 0;
      while (got < size) {
        let n: number;
        try {
          n = readSync(fd, this.fileBuf, got, size - got, got);
        } catch (e) {
          throw storeFileError(path, `table file ${path.split('/').pop()}`, e);
        }
        if (n === 0) break;
        got += n;
      }
      return this.fileBuf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }
}

/** Where the restart array of the block b[start, end) starts: entries end there (block.cc). */
function restartsOffset(b: Uint8Array, start: number, end: number, name: string): number {
  const limit = restartArrayStart(b, start, end);
  if (limit === undefined) throw damagedFileError(name, 'a block whose restart array is larger than the block');
  return limit;
}

/** Every entry of a (small) index block with its full key, which must be an internal key. */
function forEachEntry(b: Uint8Array, name: string, fn: (key: Uint8Array, keyLen: number, value: Uint8Array) => void): void {
  forEachBlockEntry(b, (what) => damagedFileError(name, what), (key, keyLen, value) => {
    if (keyLen < 8) throw damagedFileError(name, 'an index key shorter than an internal key');
    fn(key, keyLen, value);
  });
}
