import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { applyMonmapEdit, decodeMonMap, diffMonMaps, emptyMonMap, encodeMonMap, resolveMonAddr, type MonMap } from '../../../src/lib/monmap/index.js';
import { formatEntityAddrvec, parseEntityAddrvec } from '../../../src/lib/msg/index.js';

const NOW = { sec: 1_800_000_000, nsec: 5_000 };
const ALL_MON_FEATURES = 0xffn; // kraken … elector-pinging: Nautilus and later

function threeMons(features = ALL_MON_FEATURES): MonMap {
  const m = emptyMonMap('6d3f2a1e-8a4b-4c1e-9a57-0b5c3e2d1f00');
  m.epoch = 4;
  m.persistentFeatures = features;
  m.minMonRelease = 16;
  m.structV = 7; // an Octopus-encoded map: edits re-encode as Pacific (v9)
  m.disallowedLeaders = ['c'];
  m.removedRanks = [5];
  for (const [name, port] of [['a', 40011], ['b', 40021], ['c', 40031]] as const) {
    m.monInfo.set(name, { name, publicAddrs: parseEntityAddrvec(`[v2:127.0.0.1:${port}/0,v1:127.0.0.1:${port + 1}/0]`), priority: 0, weight: 0, crushLoc: new Map(), structV: 3, structCompat: 1 });
    m.ranks.push(name);
  }
  return m;
}

const addrs = (m: MonMap, name: string): string => formatEntityAddrvec(m.monInfo.get(name)!.publicAddrs);
const roundTrip = (m: MonMap): MonMap => {
  const w = new Writer();
  encodeMonMap(w, m);
  const r = new Reader(w.bytes());
  const out = decodeMonMap(r);
  r.end('MonMap');
  return out;
};

function expectError(fn: () => unknown, code: string, text: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MonctlError);
    expect((e as MonctlError).code).toBe(code);
    expect((e as MonctlError).message).toMatch(text);
    return;
  }
  throw new Error('expected an error');
}

describe('resolveMonAddr (monmaptool --add / --addv rules)', () => {
  const m = threeMons();
  it('a bare IP gets both default ports on a Nautilus+ map, v1 only before', () => {
    expect(formatEntityAddrvec(resolveMonAddr('10.0.0.4', m))).toBe('[v2:10.0.0.4:3300/0,v1:10.0.0.4:6789/0]');
    expect(formatEntityAddrvec(resolveMonAddr('10.0.0.4', threeMons(0x3n)))).toBe('v1:10.0.0.4:6789/0');
  });
  it('port 6789 is v1, any other port v2; explicit types and vectors are kept', () => {
    expect(formatEntityAddrvec(resolveMonAddr('10.0.0.4:6789', m))).toBe('v1:10.0.0.4:6789/0');
    expect(formatEntityAddrvec(resolveMonAddr('10.0.0.4:7000', m))).toBe('v2:10.0.0.4:7000/0');
    expect(formatEntityAddrvec(resolveMonAddr('v1:10.0.0.4:7000', m))).toBe('v1:10.0.0.4:7000/0');
    expect(formatEntityAddrvec(resolveMonAddr('[v2:[::1]:3300,v1:[::1]:6789]', m))).toBe('[v2:[::1]:3300/0,v1:[::1]:6789/0]');
    expect(formatEntityAddrvec(resolveMonAddr('[::1]:6789', m))).toBe('v1:[::1]:6789/0');
  });
  it('refuses port 0 and text that is not an address', () => {
    expectError(() => resolveMonAddr('v2:10.0.0.4', m), 'BAD_ARGUMENT', /non-zero port/);
    expectError(() => resolveMonAddr('mon-host-4', m), 'BAD_ARGUMENT', /cannot parse/);
  });
});

describe('applyMonmapEdit', () => {
  it('rm: new epoch and last_changed, ranks close up, removed_ranks = this edit\'s ranks, disallowed leaders dropped', () => {
    const before = threeMons();
    const after = applyMonmapEdit(before, { op: 'rm', names: ['b', 'c'] }, NOW);
    expect(after.epoch).toBe(5);
    expect(after.lastChanged).toEqual(NOW);
    expect(after.ranks).toEqual(['a']);
    expect([...after.monInfo.keys()]).toEqual(['a']);
    // MonMap::remove records the rank each name had when it went (b was 1, then c was 1) in
    // a set, and create_pending cleared the old ones; monmaptool --rm b --rm c writes the same.
    expect(after.removedRanks).toEqual([1]);
    expect(roundTrip(after).removedRanks).toEqual([1]);
    expect(after.disallowedLeaders).toEqual([]);
    expect(after.structV).toBe(9);
    expect(after.monInfo.get('a')!.structV).toBe(5);
    // the input map is untouched
    expect(before.ranks).toEqual(['a', 'b', 'c']);
    expect(before.epoch).toBe(4);
  });

  it('rm: refuses unknown names and removing every monitor', () => {
    expectError(() => applyMonmapEdit(threeMons(), { op: 'rm', names: ['d'] }, NOW), 'BAD_ARGUMENT', /mon\.d is not in the monmap/);
    expectError(() => applyMonmapEdit(threeMons(), { op: 'rm', names: ['a', 'b', 'c', 'a'] }, NOW), 'BAD_ARGUMENT', /would leave no monitor/);
  });

  it('add: appends the rank on a Nautilus+ map, orders by address before', () => {
    const after = applyMonmapEdit(threeMons(), { op: 'add', name: 'd', addr: '127.0.0.1:40001' }, NOW);
    expect(after.ranks).toEqual(['a', 'b', 'c', 'd']);
    expect(addrs(after, 'd')).toBe('v2:127.0.0.1:40001/0');
    expect(after.removedRanks).toEqual([]);
    const legacy = applyMonmapEdit(threeMons(0x3n), { op: 'add', name: 'd', addr: '127.0.0.1:40001' }, NOW);
    expect(legacy.ranks).toEqual(['d', 'a', 'b', 'c']);
    expect(roundTrip(after).ranks).toEqual(['a', 'b', 'c', 'd']);
  });

  it('add: refuses a name or an address already in the map', () => {
    expectError(() => applyMonmapEdit(threeMons(), { op: 'add', name: 'b', addr: '10.0.0.9' }, NOW), 'BAD_ARGUMENT', /mon\.b is already in the monmap/);
    expectError(() => applyMonmapEdit(threeMons(), { op: 'add', name: 'd', addr: 'v1:127.0.0.1:40022' }, NOW), 'BAD_ARGUMENT', /mon\.b already has address v1:127\.0\.0\.1:40022/);
    expectError(() => applyMonmapEdit({ ...threeMons(), stretchModeEnabled: true }, { op: 'add', name: 'd', addr: '10.0.0.4' }, NOW), 'BAD_ARGUMENT', /stretch mode/);
  });

  it('set-addr: replaces the addresses with nonces zeroed; refuses another monitor\'s address and unknown names', () => {
    const after = applyMonmapEdit(threeMons(), { op: 'set-addr', name: 'a', addr: '[v2:10.0.0.9:3300/77,v1:10.0.0.9:6789/77]' }, NOW);
    expect(addrs(after, 'a')).toBe('[v2:10.0.0.9:3300/0,v1:10.0.0.9:6789/0]');
    expect(after.ranks).toEqual(['a', 'b', 'c']);
    expect(after.epoch).toBe(5);
    // its own old address is not a clash
    expect(addrs(applyMonmapEdit(threeMons(), { op: 'set-addr', name: 'a', addr: 'v2:127.0.0.1:40011' }, NOW), 'a')).toBe('v2:127.0.0.1:40011/0');
    expectError(() => applyMonmapEdit(threeMons(), { op: 'set-addr', name: 'a', addr: 'v2:127.0.0.1:40031' }, NOW), 'BAD_ARGUMENT', /mon\.c already has/);
    expectError(() => applyMonmapEdit(threeMons(), { op: 'set-addr', name: 'x', addr: '10.0.0.1' }, NOW), 'BAD_ARGUMENT', /mon\.x is not in/);
  });

  it('inject: the given map with the next epoch, its own last_changed; another fsid or an empty map is refused', () => {
    const given = applyMonmapEdit(threeMons(), { op: 'rm', names: ['c'] }, { sec: 1, nsec: 0 });
    given.epoch = 0;
    const after = applyMonmapEdit(threeMons(), { op: 'inject', map: given }, NOW);
    expect(after.epoch).toBe(5);
    expect(after.lastChanged).toEqual({ sec: 1, nsec: 0 });
    expect(after.ranks).toEqual(['a', 'b']);
    expectError(() => applyMonmapEdit(threeMons(), { op: 'inject', map: { ...given, fsid: '00000000-0000-0000-0000-000000000001' } }, NOW), 'BAD_ARGUMENT', /fsid/);
    expectError(() => applyMonmapEdit(threeMons(), { op: 'inject', map: emptyMonMap('6d3f2a1e-8a4b-4c1e-9a57-0b5c3e2d1f00') }, NOW), 'BAD_ARGUMENT', /no monitor/);
  });

  it('diffMonMaps marks removed and added lines', () => {
    const before = threeMons();
    const diff = diffMonMaps(before, applyMonmapEdit(before, { op: 'rm', names: ['c'] }, NOW));
    expect(diff).toContain('- epoch 4');
    expect(diff).toContain('+ epoch 5');
    expect(diff).toContain('- 2: [v2:127.0.0.1:40031/0,v1:127.0.0.1:40032/0] mon.c');
    expect(diff).toContain('  0: [v2:127.0.0.1:40011/0,v1:127.0.0.1:40012/0] mon.a');
  });
});
