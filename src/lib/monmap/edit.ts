/**
 * Monmap surgery, pure: the edits `ceph mon remove|add|set-addrs` and `monmaptool --rm/--add`
 * make to a MonMap, applied to a copy. The clock is passed in; nothing here touches the store.
 */
import type { UTime } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import {
  ADDR_TYPE,
  addrIp,
  addrPort,
  compareEntityAddr,
  formatEntityAddr,
  formatEntityAddrvec,
  makeEntityAddr,
  parseEntityAddr,
  parseEntityAddrvec,
  type EntityAddrvec,
} from '../msg/entity-addr.js';
import { MON_INFO_V, type MonInfo } from './mon-info.js';
import { MONMAP_V, legacyRanks, printMonMap, type MonMap } from './monmap.js';

export type MonmapEdit =
  | { op: 'rm'; names: string[] }
  | { op: 'add'; name: string; addr: string }
  | { op: 'set-addr'; name: string; addr: string }
  | { op: 'inject'; map: MonMap };

/** CEPH_MON_PORT_IANA and CEPH_MON_PORT_LEGACY. */
export const MON_PORT_V2 = 3300;
export const MON_PORT_V1 = 6789;
/** ceph::features::mon::FEATURE_NAUTILUS: ranks are kept in join order, not address order. */
const MON_FEATURE_NAUTILUS = 1n << 4n;

function hasNautilus(m: MonMap): boolean {
  return (m.persistentFeatures & MON_FEATURE_NAUTILUS) !== 0n;
}

/** A deep enough copy that an edit never changes the map it was given. */
export function cloneMonMap(m: MonMap): MonMap {
  const monInfo = new Map<string, MonInfo>();
  for (const [name, info] of m.monInfo) monInfo.set(name, { ...info, publicAddrs: { v: [...info.publicAddrs.v] }, crushLoc: new Map(info.crushLoc) });
  return {
    ...m,
    monInfo,
    ranks: [...m.ranks],
    removedRanks: [...m.removedRanks],
    disallowedLeaders: [...m.disallowedLeaders],
    stretchMarkedDownMons: [...m.stretchMarkedDownMons],
  };
}

/**
 * A monitor address as the user writes it. An explicit type or vector (`v2:IP:PORT`,
 * `[v2:IP:3300,v1:IP:6789]`) is taken as is, like `monmaptool --addv`; a bare `IP[:PORT]`
 * gets `monmaptool --add`'s defaults: no port = both default ports (v2 3300 and v1 6789 on a
 * Nautilus+ map), 6789 = a v1 address, any other port = v2. Every port must be non-zero (the
 * monitor's `mon set-addrs` refuses port 0).
 */
export function resolveMonAddr(text: string, map: MonMap): EntityAddrvec {
  // `[::1]:6789` is a bare (bracketed IPv6) address; `[v2:…,v1:…]` a vector.
  const explicit = /^\[?(v1|v2|any):/.test(text);
  let av: EntityAddrvec;
  if (explicit) {
    av = parseEntityAddrvec(text);
  } else {
    const a = parseEntityAddr(text, ADDR_TYPE.MSGR2);
    const port = addrPort(a);
    const withPort = (type: number, p: number) => makeEntityAddr(type, addrIp(a), p, a.nonce);
    if (!hasNautilus(map)) {
      // Pre-Nautilus monitors speak only msgr1.
      av = { v: [withPort(ADDR_TYPE.LEGACY, port || MON_PORT_V1)] };
    } else if (port === 0) {
      av = { v: [withPort(ADDR_TYPE.MSGR2, MON_PORT_V2), withPort(ADDR_TYPE.LEGACY, MON_PORT_V1)] };
    } else {
      av = { v: [withPort(port === MON_PORT_V1 ? ADDR_TYPE.LEGACY : ADDR_TYPE.MSGR2, port)] };
    }
  }
  for (const a of av.v) {
    if (addrPort(a) === 0) {
      throw new MonctlError('BAD_ARGUMENT', `a monitor must bind to a non-zero port, not ${formatEntityAddr(a)}`, {
        actions: ['Give the port, e.g. v2:10.0.0.1:3300, or a bare IP for the default ports.'],
      });
    }
  }
  return av;
}

function unknownMon(map: MonMap, name: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', `mon.${name} is not in the monmap (epoch ${map.epoch}: ${map.ranks.join(', ')})`, {
    actions: ['List the monitors with `monctl monmap print`.'],
  });
}

/** MonMap::contains(addrvec): another monitor already has one of these addresses. */
function refuseTakenAddr(map: MonMap, av: EntityAddrvec, except?: string): void {
  for (const info of map.monInfo.values()) {
    if (info.name === except) continue;
    const clash = av.v.find((a) => info.publicAddrs.v.some((b) => compareEntityAddr(a, b) === 0));
    if (clash) {
      throw new MonctlError('BAD_ARGUMENT', `mon.${info.name} already has address ${formatEntityAddr(clash)}`, {
        actions: ['Pick an address no other monitor uses, or remove that monitor first.'],
      });
    }
  }
}

function removeMon(m: MonMap, name: string): void {
  const rank = m.ranks.indexOf(name);
  m.monInfo.delete(name);
  // removed_ranks is a std::set<int>.
  if (rank >= 0 && !m.removedRanks.includes(rank)) m.removedRanks.push(rank);
  m.disallowedLeaders = m.disallowedLeaders.filter((n) => n !== name);
  m.ranks = hasNautilus(m) ? m.ranks.filter((n) => n !== name) : legacyRanks(m);
}

function addMon(m: MonMap, name: string, publicAddrs: EntityAddrvec): void {
  m.monInfo.set(name, { name, publicAddrs, priority: 0, weight: 0, crushLoc: new Map(), structV: MON_INFO_V, structCompat: 1 });
  m.ranks = hasNautilus(m) ? [...m.ranks, name] : legacyRanks(m);
}

/** Re-encoding as Pacific does (MonMap v9, mon_info_t v5), whatever version was read. */
function asPacific(m: MonMap): MonMap {
  m.structV = MONMAP_V;
  delete m.tail;
  for (const [name, info] of m.monInfo) {
    const { tail: _tail, ...rest } = info;
    m.monInfo.set(name, { ...rest, structV: MON_INFO_V, structCompat: 1 });
  }
  return m;
}

/**
 * The map the next epoch holds. rm/add/set-addr follow the live monitor: start from the
 * current map, epoch + 1, `last_changed` = now and `removed_ranks` cleared
 * (MonmapMonitor::create_pending), then MonMap::remove/add/set_addrvec. `inject` follows
 * `ceph-mon --inject-monmap`: the given map as is, only its epoch set to current + 1.
 */
export function applyMonmapEdit(current: MonMap, edit: MonmapEdit, now: UTime): MonMap {
  if (edit.op === 'inject') return injectedMap(current, edit.map);
  const m = cloneMonMap(current);
  m.epoch = current.epoch + 1;
  m.lastChanged = now;
  m.removedRanks = [];
  switch (edit.op) {
    case 'rm': {
      const names = [...new Set(edit.names)];
      for (const n of names) if (!m.monInfo.has(n)) throw unknownMon(current, n);
      if (names.length >= m.monInfo.size) {
        throw new MonctlError('BAD_ARGUMENT', `removing ${names.map((n) => `mon.${n}`).join(', ')} would leave no monitor`, {
          actions: ['Keep at least one monitor: name only the ones to drop.'],
        });
      }
      for (const n of names) removeMon(m, n);
      break;
    }
    case 'add': {
      if (!/^[^\s/]+$/.test(edit.name)) throw new MonctlError('BAD_ARGUMENT', `"${edit.name}" is not a monitor name`);
      if (m.monInfo.has(edit.name)) {
        throw new MonctlError('BAD_ARGUMENT', `mon.${edit.name} is already in the monmap at ${formatEntityAddrvec(m.monInfo.get(edit.name)!.publicAddrs)}`, {
          actions: ['Use `monctl monmap set-addr` to move it, or pick another name.'],
        });
      }
      if (m.stretchModeEnabled) {
        // `mon add` in stretch mode requires a CRUSH location, which monctl does not set.
        throw new MonctlError('BAD_ARGUMENT', 'the cluster is in stretch mode: a new monitor needs a location', {
          actions: ['Add it with `ceph mon add NAME ADDR LOCATION` once the quorum is back.'],
        });
      }
      const av = resolveMonAddr(edit.addr, m);
      refuseTakenAddr(m, av);
      addMon(m, edit.name, av);
      break;
    }
    case 'set-addr': {
      const info = m.monInfo.get(edit.name);
      if (!info) throw unknownMon(current, edit.name);
      // `mon set-addrs` zeroes the nonces.
      const av: EntityAddrvec = { v: resolveMonAddr(edit.addr, m).v.map((a) => ({ ...a, nonce: 0 })) };
      refuseTakenAddr(m, av, edit.name);
      m.monInfo.set(edit.name, { ...info, publicAddrs: av });
      if (!hasNautilus(m)) m.ranks = legacyRanks(m);
      break;
    }
  }
  return asPacific(m);
}

function injectedMap(current: MonMap, given: MonMap): MonMap {
  if (given.fsid !== current.fsid) {
    throw new MonctlError('BAD_ARGUMENT', `the monmap's fsid ${given.fsid} is not the store's ${current.fsid}`, {
      actions: ['Inject a monmap of this cluster: extract one with `monctl monmap get` and edit it with monmaptool.'],
    });
  }
  if (given.ranks.length === 0) {
    throw new MonctlError('BAD_ARGUMENT', 'the monmap names no monitor', { actions: ['Add the surviving monitors with monmaptool --addv.'] });
  }
  const m = cloneMonMap(given);
  m.epoch = current.epoch + 1;
  return asPacific(m);
}

/** A readable diff of two maps' `monmaptool --print` text: `-`/`+` lines, context with `  `. */
export function diffMonMaps(before: MonMap, after: MonMap): string[] {
  const a = printMonMap(before).trimEnd().split('\n');
  const b = printMonMap(after).trimEnd().split('\n');
  const inB = new Set(b);
  const inA = new Set(a);
  const out: string[] = [];
  for (const line of a) if (!inB.has(line)) out.push(`- ${line}`);
  for (const line of b) out.push(inA.has(line) ? `  ${line}` : `+ ${line}`);
  return out;
}
