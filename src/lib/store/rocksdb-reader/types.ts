/** ValueType (db/dbformat.h): the low byte of an internal key's tag, and WAL record types. */
export const TYPE_DELETION = 0x0;
export const TYPE_VALUE = 0x1;
export const TYPE_MERGE = 0x2;
export const TYPE_LOG_DATA = 0x3;
export const TYPE_CF_DELETION = 0x4;
export const TYPE_CF_VALUE = 0x5;
export const TYPE_CF_MERGE = 0x6;
export const TYPE_SINGLE_DELETION = 0x7;
export const TYPE_CF_SINGLE_DELETION = 0x8;
export const TYPE_NOOP = 0xd;
export const TYPE_CF_RANGE_DELETION = 0xe;
export const TYPE_RANGE_DELETION = 0xf;
export const TYPE_DELETION_WITH_TIMESTAMP = 0x14;

export const BYTEWISE_COMPARATOR = 'leveldb.BytewiseComparator';

/** A DeleteRange: user keys in [start, end) written before `seq` are gone. */
export interface RangeTombstone {
  start: Uint8Array;
  end: Uint8Array;
  seq: number;
}

/** Whether an entry of this type hides older versions of its key without a value. */
export function isDeletion(type: number): boolean {
  return type === TYPE_DELETION || type === TYPE_SINGLE_DELETION || type === TYPE_DELETION_WITH_TIMESTAMP;
}
