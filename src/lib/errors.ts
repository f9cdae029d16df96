/**
 * Operating errors: every failure a user can cause (bad path, corrupt value, locked store,
 * encoding too new) is a MonctlError with a stable upper-case code, an exit code and the
 * actions that get the user going again. Programmer errors stay plain assertions.
 */

export type ErrorCode =
  | 'STORE_NOT_FOUND'
  | 'STORE_NOT_SPECIFIED'
  | 'UNKNOWN_BACKEND'
  | 'BACKEND_MISMATCH'
  | 'STORE_LOCKED'
  | 'STORE_OPEN_FAILED'
  | 'KEY_NOT_FOUND'
  | 'DECODE_TRUNCATED'
  | 'DECODE_TOO_NEW'
  | 'DECODE_INVALID'
  | 'BAD_ARGUMENT'
  | 'DEST_EXISTS'
  | 'CHECK_FAILED'
  | 'IO_ERROR'
  // A write ran out of disk space (ENOSPC, EDQUOT): the store was left as it was.
  | 'NO_SPACE'
  // The embedded quorum (monctl quorum …, live osd commands).
  | 'CLUSTER_NOT_FOUND'
  | 'QUORUM_UNAVAILABLE'
  | 'QUORUM_AUTH_FAILED'
  | 'MUTATION_REJECTED';

/** One place decides the process exit code of each error class. */
const EXIT_CODES: Record<ErrorCode, number> = {
  STORE_NOT_FOUND: 2,
  STORE_NOT_SPECIFIED: 2,
  UNKNOWN_BACKEND: 2,
  BACKEND_MISMATCH: 2,
  STORE_LOCKED: 3,
  STORE_OPEN_FAILED: 4,
  KEY_NOT_FOUND: 6,
  DECODE_TRUNCATED: 7,
  DECODE_TOO_NEW: 7,
  DECODE_INVALID: 7,
  BAD_ARGUMENT: 2,
  DEST_EXISTS: 2,
  CHECK_FAILED: 1,
  IO_ERROR: 4,
  NO_SPACE: 4,
  CLUSTER_NOT_FOUND: 2,
  QUORUM_UNAVAILABLE: 5,
  QUORUM_AUTH_FAILED: 9,
  MUTATION_REJECTED: 8,
};

export interface MonctlErrorOptions {
  /** What the user can do about it, one sentence each. */
  actions?: string[];
  /** Byte offset into the value being decoded, when there is one. */
  offset?: number;
  /** `prefix/key` of the value being decoded, when there is one. */
  key?: string;
  cause?: unknown;
}

export class MonctlError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly actions: string[];
  offset?: number;
  key?: string;

  constructor(code: ErrorCode, message: string, opts: MonctlErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MonctlError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.actions = opts.actions ?? [];
    this.offset = opts.offset;
    this.key = opts.key;
  }

  /** Attach the store key the failing value came from (decoders do not know it). */
  withKey(key: string): this {
    if (this.key === undefined) this.key = key;
    return this;
  }

  /** One line: code, key and offset, then the message. */
  describe(): string {
    const where: string[] = [];
    if (this.key !== undefined) where.push(`key ${this.key}`);
    if (this.offset !== undefined) where.push(`offset ${this.offset}`);
    const at = where.length > 0 ? ` (${where.join(', ')})` : '';
    return `${this.code}${at}: ${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.key !== undefined ? { key: this.key } : {}),
      ...(this.offset !== undefined ? { offset: this.offset } : {}),
      actions: this.actions,
    };
  }
}

export function isMonctlError(e: unknown): e is MonctlError {
  return e instanceof MonctlError;
}
