import { describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import { planServiceTrim, serviceTrimTarget, type ServiceHistory } from '../../../src/lib/mon/paxos/service-trim.js';
import { TransactionBuilder } from '../../../src/lib/store/transaction.js';

const range = (a: number, b: number): Set<bigint> => new Set(Array.from({ length: b - a + 1 }, (_, i) => BigInt(a + i)));
const osdmap = (first: number, last: number): ServiceHistory => ({ service: 'osdmap', first: BigInt(first), last: BigInt(last), fullLatest: BigInt(last), fulls: range(first, last) });

describe('serviceTrimTarget', () => {
  it('defaults to what the monitor keeps: mon_min_osdmap_epochs behind last_committed', () => {
    expect(serviceTrimTarget(osdmap(1, 1200), {})).toBe(700n);
    expect(serviceTrimTarget(osdmap(1, 400), {})).toBeUndefined();
    expect(serviceTrimTarget({ service: 'auth', first: 1n, last: 100n, fullLatest: 100n, fulls: range(1, 100) }, {})).toBe(80n);
    expect(serviceTrimTarget({ service: 'mgrstat', first: 1n, last: 100n, fulls: new Set() }, {})).toBe(95n);
  });

  it('never trims monmap unless told how much to keep', () => {
    const monmap: ServiceHistory = { service: 'monmap', first: 1n, last: 9n, fulls: new Set() };
    expect(serviceTrimTarget(monmap, {})).toBeUndefined();
    expect(serviceTrimTarget(monmap, { keep: 2n })).toBe(8n);
  });

  it('keeps osdmap\'s floor unless forced', () => {
    expect(() => serviceTrimTarget(osdmap(1, 31), { keep: 5n })).toThrow(/mon_min_osdmap_epochs/);
    expect(() => serviceTrimTarget(osdmap(1, 600), { to: 200n })).toThrow(MonctlError);
    expect(serviceTrimTarget(osdmap(1, 600), { to: 100n })).toBe(100n);
    expect(serviceTrimTarget(osdmap(1, 31), { keep: 5n, force: true })).toBe(27n);
  });

  it('last_committed and the newest full version always stay', () => {
    expect(() => serviceTrimTarget(osdmap(1, 31), { to: 32n, force: true })).toThrow(/last_committed is 31/);
    const logm: ServiceHistory = { service: 'logm', first: 64n, last: 79n, fullLatest: 78n, fulls: range(64, 78) };
    expect(serviceTrimTarget(logm, { keep: 1n })).toBe(78n);
    expect(() => serviceTrimTarget(logm, { to: 79n })).toThrow(/full_latest is 78/);
    const auth: ServiceHistory = { service: 'auth', first: 1n, last: 3n, fullLatest: 1n, fulls: new Set([1n]) };
    expect(serviceTrimTarget(auth, { keep: 1n })).toBeUndefined();
  });
});

describe('planServiceTrim', () => {
  it('erases versions and the full versions that exist, compacts both ranges, moves first_committed, then the extra ops', () => {
    const h: ServiceHistory = { service: 'logm', first: 5n, last: 9n, fullLatest: 9n, fulls: new Set([6n, 9n]) };
    const extra = new TransactionBuilder().put('logm', 'marker', new Uint8Array([1])).tx;
    const plan = planServiceTrim(h, 8n, {}, extra);
    expect(plan).toMatchObject({ service: 'logm', from: 5n, to: 8n, erased: 3n });
    expect(plan.transaction.ops.map((o) => `${o.type}:${o.key}${o.endKey ? `..${o.endKey}` : ''}`)).toEqual([
      '2:5', '2:6', '2:full_6', '2:7',
      '3:4..8', '3:full_4..full_8',
      '1:first_committed',
      '1:marker',
    ]);
    expect(planServiceTrim(h, 8n, { compactOnTrim: false }).transaction.ops.some((o) => o.type === 3)).toBe(false);
  });
});
