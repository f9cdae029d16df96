import { leveldbCrc, unmaskCrc } from '../leveldb-reader/format.js';

/** db/log_format.h: 32 KiB blocks of records; recyclable records add the log number to the header. */
export const LOG_BLOCK_SIZE = 32768;
export const HEADER_SIZE = 7;
export const RECYCLABLE_HEADER_SIZE = 11;
const ZERO = 0;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const RECYCLABLE_FULL = 5;
const RECYCLABLE_LAST = 8;
const SET_COMPRESSION = 9;
const UDT_SIZE = 10;
const RECYCLABLE_UDT_SIZE = 11;
/** Record types with this bit may be skipped by readers that do not know them. */
const SAFE_IGNORE = 0x80;

export interface LogRead {
  records: Uint8Array[];
  /** Why reading stopped before the end of the file, with the byte offset; undefined = clean end. */
  stop?: { offset: number; why: string };
  /** A feature of the log monctl cannot read (WAL compression), instead of a stop. */
  unsupported?: string;
}

/**
 * The logical records of a RocksDB log file (a MANIFEST or a WAL), checksums verified. It
 * stops at the first record that is torn, fails its checksum, or (in a recycled WAL) belongs
 * to an older use of the file, and says where and why: WAL recovery in RocksDB's default
 * point-in-time mode keeps exactly the records before such a point.
 */
export function readLogFile(file: Uint8Array, logNumber: number): LogRead {
  const records: Uint8Array[] = [];
  let pending: Uint8Array[] | undefined;
  let pos = 0;
  const stop = (why: string): LogRead => ({ records, stop: { offset: pos, why } });
  while (pos < file.length) {
    const left = LOG_BLOCK_SIZE - (pos % LOG_BLOCK_SIZE);
    if (left < HEADER_SIZE) {
      pos += left; // the writer pads a block tail too short for a header
      continue;
    }
    if (pos + HEADER_SIZE > file.length) return stop('the log ends inside a record header');
    const masked = (file[pos]! | (file[pos + 1]! << 8) | (file[pos + 2]! << 16) | (file[pos + 3]! << 24)) >>> 0;
    const length = file[pos + 4]! | (file[pos + 5]! << 8);
    const type = file[pos + 6]!;
    if (type === ZERO && length === 0) {
      // Zeros: a preallocated tail or padding. Nothing was written here.
      if (masked === 0) {
        pos += left;
        continue;
      }
    }
    const recyclable = (type >= RECYCLABLE_FULL && type <= RECYCLABLE_LAST) || type === RECYCLABLE_UDT_SIZE || (type >= SAFE_IGNORE && (type & 1) === 1);
    const header = recyclable ? RECYCLABLE_HEADER_SIZE : HEADER_SIZE;
    if (header > left) return stop(`a ${header}-byte record header does not fit its block`);
    if (pos + header + length > file.length) return stop('the log ends inside a record');
    if (header + length > left) return stop('a record runs past its block');
    const crcStart = pos + 6;
    const payload = file.subarray(pos + header, pos + header + length);
    if (unmaskCrc(masked) !== leveldbCrc(file.subarray(crcStart, pos + header), payload)) return stop('record checksum mismatch');
    if (recyclable) {
      const n = (file[pos + 7]! | (file[pos + 8]! << 8) | (file[pos + 9]! << 16) | (file[pos + 10]! << 24)) >>> 0;
      if (n !== (logNumber >>> 0)) return { records }; // an older use of a recycled file: the end
    }
    const at = pos;
    pos += header + length;
    const kind = recyclable && type <= RECYCLABLE_LAST ? type - 4 : type;
    if (kind === FULL && pending === undefined) records.push(payload);
    else if (kind === FIRST && pending === undefined) pending = [payload];
    else if (kind === MIDDLE && pending !== undefined) pending.push(payload);
    else if (kind === LAST && pending !== undefined) {
      pending.push(payload);
      records.push(Buffer.concat(pending));
      pending = undefined;
    } else if (type === SET_COMPRESSION) {
      if (payload.length < 1 || payload[0] !== 0) {
        return { records, unsupported: `WAL compression (type ${payload[0]})` };
      }
    } else if (type === UDT_SIZE || type === RECYCLABLE_UDT_SIZE || type >= SAFE_IGNORE) {
      // Timestamp sizes and predecessor-WAL facts: nothing for a reader of values.
    } else {
      pos = at;
      return stop(`record type ${type} out of order or unknown`);
    }
  }
  if (pending !== undefined) return stop('the log ends inside a fragmented record');
  return { records };
}
