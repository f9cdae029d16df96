import { readFileSync, writeFileSync } from 'node:fs';
import { MonctlError } from './lib/errors.js';

/** A file the user named (a map, a value): its bytes, or IO_ERROR naming it. */
export function readInputFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new MonctlError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { cause: e, actions: ['Check the file name and its permissions.'] });
  }
}

/** Writes a file the user asked for (`-o FILE`), or IO_ERROR naming it. */
export function writeOutputFile(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new MonctlError('IO_ERROR', `cannot write ${path}: ${(e as Error).message}`, { cause: e, actions: ['Check that the directory exists and is writable.'] });
  }
}
