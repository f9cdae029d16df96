/** What changed between two OSDMaps (`osdmap diff`): computed, then formatted as lines. */
import { osdStateSet, osdmapFlagString } from './dump.js';
import { type PgMap, sortedPgEntries } from './osdmap-codec.js';
import { type OSDMap, effectiveFlags, effectiveRequireOsdRelease, releaseName } from './osdmap-types.js';
import { encodeOSDMap } from './osdmap.js';
import { formatPg } from './pg.js';
import { dumpPgPool } from './pool-dump.js';
import { textRelease } from './release-view.js';
import { toJson } from '../encoding/json-text.js';
import { formatG, osdExists, osdIsIn, osdIsUp, primaryAffinity, weightFloat16 } from './print.js';

export interface FieldChange<T = unknown> {
  field: string;
  from: T;
  to: T;
}

export interface OsdState {
  exists: boolean;
  up: boolean;
  in: boolean;
  weight: number;
  primary_affinity: number;
  state: string[];
}

export interface OsdChange {
  osd: number;
  from: OsdState;
  to: OsdState;
  changes: FieldChange[];
}

export interface PoolRef {
  pool: number;
  name: string;
}

export interface PgChange<V> {
  pgid: string;
  from?: V;
  to?: V;
}

export interface OSDMapDiff {
  from_epoch: number;
  to_epoch: number;
  fsid_changed: boolean;
  flags: { from: string; to: string; added: string[]; removed: string[] };
  max_osd?: FieldChange<number>;
  crush: { changed: boolean; from_version: number; to_version: number };
  /** require_min_compat_client, require_osd_release, ratios, … (field, old, new). */
  settings: FieldChange[];
  osds: OsdChange[];
  pools: { added: PoolRef[]; removed: PoolRef[]; changed: (PoolRef & { changes: FieldChange[] })[] };
  pg_temp: PgChange<number[]>[];
  primary_temp: PgChange<number>[];
  pg_upmap: PgChange<number[]>[];
  pg_upmap_items: PgChange<[number, number][]>[];
  /** Reef+: pg_upmap_primary entries (PG → the OSD made primary). */
  pg_upmap_primaries: PgChange<number>[];
  erasure_code_profiles: { added: string[]; removed: string[]; changed: string[] };
  blocklist: { added: number; removed: number };
  /** Reef+: range blocklist entries (`ceph osd blocklist range add`). */
  range_blocklist: { added: number; removed: number };
  /**
   * Fields none of the above looks at differ (OSD addresses, up_from/up_thru, xinfo, snaps, …):
   * the two maps encode differently once the epoch and the times are set equal (withTimesOf).
   */
  other_changes: boolean;
  /**
   * True when nothing but the epoch and the time stamps an epoch takes from the moment it is
   * committed differs (modified, last_up_change, last_in_change, an OSD's down_stamp).
   */
  identical: boolean;
}

function osdStateOf(m: OSDMap, i: number): OsdState {
  return {
    exists: osdExists(m, i),
    up: osdIsUp(m, i),
    in: osdIsIn(m, i),
    weight: osdExists(m, i) ? weightFloat16(m.osdWeight[i] ?? 0) : 0,
    primary_affinity: weightFloat16(primaryAffinity(m, i)),
    state: i < m.maxOsd ? osdStateSet(m.osdState[i] ?? 0) : [],
  };
}

const same = (a: unknown, b: unknown): boolean => toJson(a, 0) === toJson(b, 0);

function fieldChanges(a: Record<string, unknown>, b: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!same(a[field], b[field])) out.push({ field, from: a[field], to: b[field] });
  }
  return out;
}

function diffPgMap<V>(a: PgMap<V>, b: PgMap<V>): PgChange<V>[] {
  const out: PgChange<V>[] = [];
  const keys = new Map([...sortedPgEntries(a), ...sortedPgEntries(b)].map((e) => [formatPg(e.pg), e.pg]));
  const sorted = sortedPgEntries(new Map([...keys].map(([k, pg]) => [k, { pg, value: null }])));
  for (const { pg } of sorted) {
    const k = formatPg(pg);
    const va = a.get(k)?.value;
    const vb = b.get(k)?.value;
    if (va !== undefined && vb !== undefined && same(va, vb)) continue;
    out.push({ pgid: k, ...(va !== undefined ? { from: va } : {}), ...(vb !== undefined ? { to: vb } : {}) });
  }
  return out;
}

function diffPools(a: OSDMap, b: OSDMap): OSDMapDiff['pools'] {
  const ref = (m: OSDMap, id: number): PoolRef => ({ pool: id, name: m.poolName.get(id) ?? '<unknown>' });
  const ids = [...new Set([...a.pools.keys(), ...b.pools.keys()])].sort((x, y) => x - y);
  const out: OSDMapDiff['pools'] = { added: [], removed: [], changed: [] };
  for (const id of ids) {
    const pa = a.pools.get(id);
    const pb = b.pools.get(id);
    if (!pa) out.added.push(ref(b, id));
    else if (!pb) out.removed.push(ref(a, id));
    else {
      // Both sides dumped as the newer map's release (flag names, Tentacle's pool fields).
      const release = textRelease(b);
      const changes = fieldChanges(dumpPgPool(pa, { id, name: ref(a, id).name }, release), dumpPgPool(pb, { id, name: ref(b, id).name }, release));
      if (changes.length > 0) out.changed.push({ ...ref(b, id), changes });
    }
  }
  return out;
}

function diffSettings(a: OSDMap, b: OSDMap): FieldChange[] {
  const view = (m: OSDMap): Record<string, unknown> => ({
    require_min_compat_client: releaseName(m.requireMinCompatClient),
    require_osd_release: releaseName(effectiveRequireOsdRelease(m)),
    full_ratio: formatG(m.fullRatio),
    backfillfull_ratio: formatG(m.backfillfullRatio),
    nearfull_ratio: formatG(m.nearfullRatio),
    pool_max: m.poolMax,
    cluster_snapshot: m.clusterSnapshot,
    stretch_mode_enabled: m.stretchModeEnabled,
    stretch_bucket_count: m.stretchBucketCount,
    degraded_stretch_mode: m.degradedStretchMode,
    recovering_stretch_mode: m.recoveringStretchMode,
    stretch_mode_bucket: m.stretchModeBucket,
    allow_crimson: m.allowCrimson,
    crush_node_flags: Object.fromEntries(m.crushNodeFlags),
    device_class_flags: Object.fromEntries(m.deviceClassFlags),
  });
  return fieldChanges(view(a), view(b));
}

function diffProfiles(a: OSDMap, b: OSDMap): OSDMapDiff['erasure_code_profiles'] {
  const out: OSDMapDiff['erasure_code_profiles'] = { added: [], removed: [], changed: [] };
  for (const name of [...new Set([...a.erasureCodeProfiles.keys(), ...b.erasureCodeProfiles.keys()])].sort()) {
    const pa = a.erasureCodeProfiles.get(name);
    const pb = b.erasureCodeProfiles.get(name);
    if (!pa) out.added.push(name);
    else if (!pb) out.removed.push(name);
    else if (!same([...pa].sort(), [...pb].sort())) out.changed.push(name);
  }
  return out;
}

/** `b` with `a`'s epoch and commit-time stamps: what is left to differ is content. */
function withTimesOf(b: OSDMap, a: OSDMap): OSDMap {
  return {
    ...b,
    epoch: a.epoch,
    modified: a.modified,
    lastUpChange: a.lastUpChange,
    lastInChange: a.lastInChange,
    osdXinfo: b.osdXinfo.map((x, i) => (a.osdXinfo[i] ? { ...x, downStamp: a.osdXinfo[i]!.downStamp } : x)),
  };
}

/** What changed from map `a` to map `b`. */
export function diffOSDMaps(a: OSDMap, b: OSDMap): OSDMapDiff {
  const flagsA = osdmapFlagString(effectiveFlags(a));
  const flagsB = osdmapFlagString(effectiveFlags(b));
  const setA = new Set(flagsA ? flagsA.split(',') : []);
  const setB = new Set(flagsB ? flagsB.split(',') : []);
  const osds: OsdChange[] = [];
  for (let i = 0; i < Math.max(a.maxOsd, b.maxOsd); i++) {
    const from = osdStateOf(a, i);
    const to = osdStateOf(b, i);
    if (!from.exists && !to.exists) continue;
    const changes = fieldChanges({ ...from }, { ...to });
    if (changes.length > 0) osds.push({ osd: i, from, to, changes });
  }
  const added = <K>(from: Map<K, unknown>, to: Map<K, unknown>): number => [...to.keys()].filter((k) => !from.has(k)).length;
  const diff: OSDMapDiff = {
    from_epoch: a.epoch,
    to_epoch: b.epoch,
    fsid_changed: a.fsid !== b.fsid,
    flags: { from: flagsA, to: flagsB, added: [...setB].filter((f) => !setA.has(f)), removed: [...setA].filter((f) => !setB.has(f)) },
    ...(a.maxOsd !== b.maxOsd ? { max_osd: { field: 'max_osd', from: a.maxOsd, to: b.maxOsd } } : {}),
    // Byte comparison: a Buffer and a Uint8Array with the same bytes are the same map.
    crush: { changed: Buffer.compare(a.crushBytes, b.crushBytes) !== 0, from_version: a.crushVersion, to_version: b.crushVersion },
    settings: diffSettings(a, b),
    osds,
    pools: diffPools(a, b),
    pg_temp: diffPgMap(a.pgTemp, b.pgTemp),
    primary_temp: diffPgMap(a.primaryTemp, b.primaryTemp),
    pg_upmap: diffPgMap(a.pgUpmap, b.pgUpmap),
    pg_upmap_items: diffPgMap(a.pgUpmapItems, b.pgUpmapItems),
    pg_upmap_primaries: diffPgMap(a.pgUpmapPrimaries, b.pgUpmapPrimaries),
    erasure_code_profiles: diffProfiles(a, b),
    blocklist: { added: added(a.blocklist, b.blocklist), removed: added(b.blocklist, a.blocklist) },
    range_blocklist: { added: added(a.rangeBlocklist, b.rangeBlocklist), removed: added(b.rangeBlocklist, a.rangeBlocklist) },
    other_changes: false,
    identical: false,
  };
  diff.identical =
    !diff.fsid_changed &&
    flagsA === flagsB &&
    diff.max_osd === undefined &&
    !diff.crush.changed &&
    [diff.settings, diff.osds, diff.pools.added, diff.pools.removed, diff.pools.changed, diff.pg_temp, diff.primary_temp, diff.pg_upmap, diff.pg_upmap_items, diff.pg_upmap_primaries].every(
      (l) => l.length === 0,
    ) &&
    diff.erasure_code_profiles.added.length + diff.erasure_code_profiles.removed.length + diff.erasure_code_profiles.changed.length === 0 &&
    diff.blocklist.added + diff.blocklist.removed + diff.range_blocklist.added + diff.range_blocklist.removed === 0;
  if (diff.identical && Buffer.compare(encodeOSDMap(a), encodeOSDMap(withTimesOf(b, a))) !== 0) {
    diff.other_changes = true;
    diff.identical = false;
  }
  return diff;
}

const diffValue = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? formatG(v) : toJson(v, 0));

function osdDiffLine(c: OsdChange): string {
  const { from, to } = c;
  const summary = (s: OsdState): string =>
    `${s.up ? 'up' : 'down'} ${s.in ? 'in' : 'out'} weight ${formatG(s.weight)}${s.primary_affinity !== 1 ? ` primary_affinity ${formatG(s.primary_affinity)}` : ''}`;
  if (!from.exists) return `osd.${c.osd} created: ${summary(to)}`;
  if (!to.exists) return `osd.${c.osd} removed (was ${summary(from)})`;
  const parts: string[] = [];
  if (from.up !== to.up) parts.push(from.up ? 'up -> down' : 'down -> up');
  if (from.in !== to.in) parts.push(from.in ? 'in -> out' : 'out -> in');
  if (from.weight !== to.weight) parts.push(`weight ${formatG(from.weight)} -> ${formatG(to.weight)}`);
  if (from.primary_affinity !== to.primary_affinity) {
    parts.push(`primary_affinity ${formatG(from.primary_affinity)} -> ${formatG(to.primary_affinity)}`);
  }
  const withoutUp = (s: OsdState): string => s.state.filter((n) => n !== 'up').join(',');
  if (withoutUp(from) !== withoutUp(to)) parts.push(`state ${from.state.join(',')} -> ${to.state.join(',')}`);
  return `osd.${c.osd}: ${parts.join(', ')}`;
}

function pgDiffLines<V>(name: string, list: PgChange<V>[], show: (v: V) => string): string[] {
  return list.map((c) =>
    c.from === undefined ? `${name} ${c.pgid} added ${show(c.to!)}` : c.to === undefined ? `${name} ${c.pgid} removed (was ${show(c.from)})` : `${name} ${c.pgid} ${show(c.from)} -> ${show(c.to)}`,
  );
}

/** The diff as lines of text (what `monctl osdmap diff` prints). */
export function formatOSDMapDiff(d: OSDMapDiff): string[] {
  const out = [`osdmap e${d.from_epoch} -> e${d.to_epoch}`];
  if (d.identical) return [...out, 'no changes'];
  if (d.fsid_changed) out.push('fsid changed');
  if (d.flags.added.length + d.flags.removed.length > 0) {
    out.push(`flags ${[...d.flags.added.map((f) => `+${f}`), ...d.flags.removed.map((f) => `-${f}`)].join(' ')} (now ${d.flags.to || '(none)'})`);
  }
  if (d.max_osd) out.push(`max_osd ${d.max_osd.from} -> ${d.max_osd.to}`);
  if (d.crush.changed) out.push(`crush map changed (crush_version ${d.crush.from_version} -> ${d.crush.to_version})`);
  for (const s of d.settings) out.push(`${s.field} ${diffValue(s.from)} -> ${diffValue(s.to)}`);
  for (const p of d.pools.added) out.push(`pool ${p.pool} '${p.name}' added`);
  for (const p of d.pools.removed) out.push(`pool ${p.pool} '${p.name}' removed`);
  for (const p of d.pools.changed) out.push(`pool ${p.pool} '${p.name}' changed: ${p.changes.map((c) => `${c.field} ${diffValue(c.from)} -> ${diffValue(c.to)}`).join(', ')}`);
  for (const c of d.osds) out.push(osdDiffLine(c));
  const osdList = (v: number[]): string => `[${v.join(',')}]`;
  out.push(...pgDiffLines('pg_temp', d.pg_temp, osdList));
  out.push(...pgDiffLines('primary_temp', d.primary_temp, String));
  out.push(...pgDiffLines('pg_upmap', d.pg_upmap, osdList));
  out.push(...pgDiffLines('pg_upmap_items', d.pg_upmap_items, (v) => `[${v.flat().join(',')}]`));
  out.push(...pgDiffLines('pg_upmap_primary', d.pg_upmap_primaries, String));
  for (const n of d.erasure_code_profiles.added) out.push(`erasure_code_profile ${n} added`);
  for (const n of d.erasure_code_profiles.removed) out.push(`erasure_code_profile ${n} removed`);
  for (const n of d.erasure_code_profiles.changed) out.push(`erasure_code_profile ${n} changed`);
  if (d.blocklist.added + d.blocklist.removed > 0) out.push(`blocklist ${d.blocklist.added} added, ${d.blocklist.removed} removed`);
  if (d.range_blocklist.added + d.range_blocklist.removed > 0) out.push(`range blocklist ${d.range_blocklist.added} added, ${d.range_blocklist.removed} removed`);
  if (d.other_changes) out.push('other fields differ (OSD addresses, up_from/up_thru, xinfo, snaps, …): compare `monctl osdmap dump` of both');
  return out;
}

// ---- Incremental as JSON -----------------------------------------------------------------------
