/**
 * `osdmaptool --print` and `--dump` list the blocklist in the order of Ceph's
 * std::unordered_map<entity_addr_t, utime_t>, not sorted.
 *
 * The fixture (test/fixtures/osdmap-blocklist-order) is the last full map of a real Pacific
 * monitor after 140 `ceph osd blocklist add` commands (IPv4 and IPv6, nonces, ports, expiries),
 * with osdmaptool's --print and --dump json of it: 140 entries take the hash table through
 * 13, 29, 59, 127 and 257 buckets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobhash, blocklistInCephOrder, rjhash32, unorderedMapOrder } from '../../../src/lib/osdmap/blocklist-order.js';
import { decodeOSDMap, dumpOSDMap } from '../../../src/lib/osdmap/index.js';
import { printOSDMap } from '../../../src/lib/osdmap/print.js';
import { toJson } from '../../../src/lib/render/json.js';
import { FIXTURES_DIR } from '../../helpers/ceph.js';

const CASE = join(FIXTURES_DIR, 'osdmap-blocklist-order');

describe('blocklist order', () => {
  it('a real 140-entry blocklist prints and dumps exactly as osdmaptool does', () => {
    const map = decodeOSDMap(new Uint8Array(readFileSync(join(CASE, 'osdmap.bin'))));
    expect(map.blocklist.size).toBe(140);
    const print = readFileSync(join(CASE, 'print.txt'), 'utf8');
    expect(printOSDMap(map)).toBe(print);
    const dump = JSON.parse(readFileSync(join(CASE, 'dump.json'), 'utf8')) as { blocklist: Record<string, string> };
    const ours = JSON.parse(toJson(dumpOSDMap(map), 0)) as { blocklist: Record<string, string> };
    expect(Object.keys(ours.blocklist)).toEqual(Object.keys(dump.blocklist));
    expect(ours).toEqual(dump);
    // It is not the sorted (encoded) order.
    const lines = print.split('\n').filter((l) => l.startsWith('blocklist '));
    expect(lines).not.toEqual([...lines].sort());
    expect(blocklistInCephOrder(map.blocklist).length).toBe(140);
  });

  it('hashes as Ceph does (rjhash32 of the XORed words)', () => {
    expect(rjhash32(0)).toBe(0x6b4ed927);
    expect(rjhash32(0xffffff80)).toBe(0x39f62990);
    const bytes = new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(blobhash(bytes)).toBe(rjhash32(1 ^ 2 ^ 3));
    // A tail byte above 0x7f goes through a signed char.
    expect(blobhash(new Uint8Array([0x80]))).toBe(rjhash32(0xffffff80));
  });

  it('walks a libstdc++ hash table: first in bucket, new buckets first, relinked when it grows', () => {
    // Orders printed by a std::unordered_map (GCC 12) filled with these hashes in order.
    expect(unorderedMapOrder([])).toEqual([]);
    expect(unorderedMapOrder([5, 18, 31, 44, 3])).toEqual([4, 3, 2, 1, 0]);
    expect(unorderedMapOrder([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])).toEqual([14, 13, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(unorderedMapOrder([0, 13, 26, 39, 52, 65, 78, 91, 104, 117, 130, 143, 156, 169, 29, 58])).toEqual([13, 15, 14, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
