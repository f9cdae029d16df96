export { Reader, type Envelope } from './reader.js';
export { Writer, EncodeRangeError, type EnvelopeMark } from './writer.js';
export { crc32c, crc32cExtend, crc32cRange } from './crc32c.js';
export * from './values.js';
export { hexdump, hexHead } from './hexdump.js';
