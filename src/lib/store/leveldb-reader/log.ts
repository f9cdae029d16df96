import { leveldbCrc, unmaskCrc, UnsupportedStore } from './format.js';

/** log_format.h: 32 KiB blocks of records with a 7-byte header (crc, length, type). */
const BLOCK_SIZE = 32768;
const HEADER_SIZE = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

/**
 * The logical records of a LevelDB log file (a MANIFEST or a write-ahead .log), checksums
 * verified. Strict on purpose: where LevelDB's log::Reader would skip or report damage (a
 * bad CRC, a torn tail after a crash, a fragment out of order), this throws UnsupportedStore
 * and the caller falls back to LevelDB itself, so recovery quirks stay LevelDB's.
 */
export function readLogRecords(file: Uint8Array, name: string): Uint8Array[] {
  const records: Uint8Array[] = [];
  let pending: Uint8Array[] | undefined;
  let pos = 0;
  while (pos < file.length) {
    const leftInBlock = BLOCK_SIZE - (pos % BLOCK_SIZE);
    if (leftInBlock < HEADER_SIZE) {
      // The writer pads a block tail too short for a header with zeros.
      pos += leftInBlock;
      continue;
    }
    if (pos + HEADER_SIZE > file.length) throw new UnsupportedStore(`${name}: truncated record header at ${pos}`, true);
    const masked = (file[pos]! | (file[pos + 1]! << 8) | (file[pos + 2]! << 16) | (file[pos + 3]! << 24)) >>> 0;
    const length = file[pos + 4]! | (file[pos + 5]! << 8);
    const type = file[pos + 6]!;
    const start = pos + HEADER_SIZE;
    if (HEADER_SIZE + length > leftInBlock) throw new UnsupportedStore(`${name}: record at ${pos} runs past its block`);
    if (start + length > file.length) throw new UnsupportedStore(`${name}: record at ${pos} runs past the end of the file`, true);
    const payload = file.subarray(start, start + length);
    if (unmaskCrc(masked) !== leveldbCrc(file.subarray(pos + 6, pos + 7), payload)) {
      throw new UnsupportedStore(`${name}: record checksum mismatch at ${pos}`);
    }
    pos = start + length;
    if (type === FULL && pending === undefined) records.push(payload);
    else if (type === FIRST && pending === undefined) pending = [payload];
    else if (type === MIDDLE && pending !== undefined) pending.push(payload);
    else if (type === LAST && pending !== undefined) {
      pending.push(payload);
      records.push(Buffer.concat(pending));
      pending = undefined;
    } else throw new UnsupportedStore(`${name}: record type ${type} out of order at ${pos}`);
  }
  if (pending !== undefined) throw new UnsupportedStore(`${name}: log ends inside a fragmented record`, true);
  return records;
}
