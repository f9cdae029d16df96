import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOSDMap, diffOSDMaps, formatOSDMapDiff, pgMapSet } from '../../../src/lib/osdmap/index.js';
import { repoRoot } from '../../helpers/corpus.js';

/** osdmap diff on the committed Reef map: what each kind of change shows, and nothing missed. */
const reef = () => decodeOSDMap(readFileSync(join(repoRoot, 'test/fixtures/maps/reef-osdmap.bin')));
const next = <T extends { epoch: number }>(m: T): T => ({ ...m, epoch: m.epoch + 1 });

describe('osdmap diff', () => {
  it('a map and itself at the next epoch, committed later (modified, last_up/in_change, down_stamp): no changes', () => {
    const a = reef();
    const b = next(reef());
    const later = { sec: a.modified.sec + 60, nsec: 0 };
    Object.assign(b, { modified: later, lastUpChange: later, lastInChange: later });
    b.osdXinfo = b.osdXinfo.map((x) => ({ ...x, downStamp: later }));
    const d = diffOSDMaps(a, b);
    expect(d.identical).toBe(true);
    expect(formatOSDMapDiff(d)).toEqual([`osdmap e${a.epoch} -> e${b.epoch}`, 'no changes']);
  });

  it('pg_upmap_primary entries removed, added and changed', () => {
    const a = reef();
    const b = next(reef());
    b.pgUpmapPrimaries.delete('1.1');
    pgMapSet(b.pgUpmapPrimaries, { pool: 1, seed: 2 }, 3);
    const d = diffOSDMaps(a, b);
    expect(d.pg_upmap_primaries).toEqual([{ pgid: '1.1', from: 4 }, { pgid: '1.2', to: 3 }]);
    expect(formatOSDMapDiff(d)).toContain('pg_upmap_primary 1.1 removed (was 4)');
    expect(formatOSDMapDiff(d)).toContain('pg_upmap_primary 1.2 added 3');
  });

  it('a range blocklist entry and allow_crimson are changes', () => {
    const a = reef();
    const b = next(reef());
    const [key, entry] = [...a.blocklist][0]!;
    b.rangeBlocklist = new Map([...a.rangeBlocklist, [key, entry]]);
    b.allowCrimson = true;
    const d = diffOSDMaps(a, b);
    expect(d.range_blocklist).toEqual({ added: 1, removed: 0 });
    expect(d.settings).toContainEqual({ field: 'allow_crimson', from: false, to: true });
    expect(formatOSDMapDiff(d)).toContain('range blocklist 1 added, 0 removed');
  });

  it('a change no field above covers (the up_thru of an OSD) is still a change', () => {
    const a = reef();
    const b = next(reef());
    b.osdInfo = b.osdInfo.map((i, n) => (n === 3 ? { ...i, upThru: i.upThru + 1 } : i));
    const d = diffOSDMaps(a, b);
    expect(d.identical).toBe(false);
    expect(d.other_changes).toBe(true);
    expect(formatOSDMapDiff(d).at(-1)).toMatch(/^other fields differ/);
  });
});
