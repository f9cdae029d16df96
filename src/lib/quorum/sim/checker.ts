/**
 * The safety checks run after every simulated step (VOPR's state checker): at most one leader
 * per election epoch; a committed paxos version never changes on any monitor; a version is
 * on a majority of stores when it is first seen committed. After healing, the liveness check
 * compares the persisted stores themselves.
 */
import { PAXOS_PREFIX, isVersionKey } from '../../mon/paxos/keys.js';

import type { Rank } from '../api.js';
import { getVersion, kvKey, splitKvKey, type Kv } from '../kv.js';
import { isMajority } from '../quorum-math.js';
import { MONMAP_PREFIX, OSDMAP_PREFIX } from '../../mon/index.js';

export class SafetyViolation extends Error {}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

export class Checker {
  private readonly leaders = new Map<number, Rank>();
  private readonly committed = new Map<bigint, Uint8Array>();
  private readonly checkedUpTo: bigint[];

  constructor(private readonly size: number) {
    this.checkedUpTo = new Array<bigint>(size).fill(0n);
  }

  get committedVersions(): number {
    return this.committed.size;
  }

  leader(epoch: number, rank: Rank): void {
    const seen = this.leaders.get(epoch);
    if (seen !== undefined && seen !== rank) throw new SafetyViolation(`two leaders in election epoch ${epoch}: mon.${seen} and mon.${rank}`);
    this.leaders.set(epoch, rank);
  }

  /** After monitor `rank` persisted: `disks` holds every monitor's store (crashed ones included). */
  store(disks: readonly Kv[], rank: Rank): void {
    const kv = disks[rank]!;
    const last = getVersion(kv, PAXOS_PREFIX, 'last_committed') ?? 0n;
    if (last === this.checkedUpTo[rank]) return;
    const first = getVersion(kv, PAXOS_PREFIX, 'first_committed') ?? 0n;
    let from = this.checkedUpTo[rank]! + 1n;
    if (from < first) from = first;
    for (let v = from; v <= last; v++) this.version(disks, rank, kv, v);
    this.checkedUpTo[rank] = last;
  }

  private version(disks: readonly Kv[], rank: Rank, kv: Kv, v: bigint): void {
    const value = kv.get(kvKey(PAXOS_PREFIX, v.toString()));
    if (value === undefined) throw new SafetyViolation(`mon.${rank} has last_committed ≥ ${v} but no paxos/${v}`);
    const known = this.committed.get(v);
    if (known !== undefined) {
      if (!same(known, value)) throw new SafetyViolation(`paxos version ${v} differs on mon.${rank} from the value committed before`);
      return;
    }
    this.committed.set(v, value);
    const holders = disks.filter((d) => {
      const x = d.get(kvKey(PAXOS_PREFIX, v.toString()));
      return x !== undefined && same(x, value);
    }).length;
    if (!isMajority(holders, this.size)) throw new SafetyViolation(`paxos version ${v} committed on mon.${rank} but stored on only ${holders} of ${this.size} monitors`);
  }
}

/** The keys every monitor must agree on: committed paxos state and the service maps. */
export function comparableEntries(kv: Kv): Map<string, Uint8Array> {
  const last = getVersion(kv, PAXOS_PREFIX, 'last_committed') ?? 0n;
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of kv) {
    const { prefix, key } = splitKvKey(k);
    if (prefix === OSDMAP_PREFIX || prefix === MONMAP_PREFIX) out.set(k, v);
    else if (prefix === PAXOS_PREFIX) {
      if (key === 'first_committed' || key === 'last_committed' || (isVersionKey(key) && BigInt(key) <= last)) out.set(k, v);
    }
  }
  return out;
}

/** Why two stores differ, or undefined when they hold the same comparable entries. */
export function diffStores(a: Kv, b: Kv): string | undefined {
  const x = comparableEntries(a);
  const y = comparableEntries(b);
  for (const [k, v] of x) {
    const w = y.get(k);
    if (w === undefined) return `${k.replace('\0', '/')} only on the first`;
    if (!same(v, w)) return `${k.replace('\0', '/')} differs`;
  }
  for (const k of y.keys()) if (!x.has(k)) return `${k.replace('\0', '/')} only on the second`;
  return undefined;
}
