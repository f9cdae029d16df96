import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { comparePg, decodePg, encodePg, formatPg, parsePg } from '../../../src/lib/osdmap/pg.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('pg_t', () => {
  it('encodes 1.1 as pg_t::encode writes it (Ceph src/osd/osd_types.h; preferred always -1)', () => {
    const w = new Writer();
    encodePg(w, { pool: 1, seed: 1 });
    expect(hex(w.bytes())).toBe('01' + '0100000000000000' + '01000000' + 'ffffffff');
  });

  it('round-trips and skips the preferred field on decode', () => {
    const w = new Writer();
    encodePg(w, { pool: 2147483647, seed: 0xffffffff });
    const r = new Reader(w.bytes());
    expect(decodePg(r)).toEqual({ pool: 2147483647, seed: 0xffffffff });
    r.end('pg_t');
  });

  it('formats and parses pool.seed with the seed in hex', () => {
    expect(formatPg({ pool: 1, seed: 0x2f })).toBe('1.2f');
    expect(formatPg({ pool: 0, seed: 0 })).toBe('0.0');
    expect(parsePg('1.2f')).toEqual({ pool: 1, seed: 0x2f });
    expect(parsePg('12.ABC')).toEqual({ pool: 12, seed: 0xabc });
    for (const bad of ['', '1', '1.', '.2', '1.2g', '-1.0', '1.123456789', '1.2 ']) {
      expect(() => parsePg(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    }
  });

  it('orders by pool, then seed', () => {
    const pgs = ['2.0', '1.10', '1.2', '10.0'].map(parsePg).sort(comparePg).map(formatPg);
    expect(pgs).toEqual(['1.2', '1.10', '2.0', '10.0']);
  });

  it('throws MonctlError with an offset when truncated at every offset', () => {
    const w = new Writer();
    encodePg(w, { pool: 3, seed: 7 });
    const b = w.bytes();
    for (let n = 0; n < b.length; n++) {
      const e = (() => {
        try {
          decodePg(new Reader(b.subarray(0, n)));
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(MonctlError);
      expect((e as MonctlError).offset).toBeTypeOf('number');
    }
  });
});
