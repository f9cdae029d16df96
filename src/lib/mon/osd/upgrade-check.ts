/**
 * `osdmap upgrade-check`: what raising a cluster to release `to` would do to its stored OSDMaps
 * (no Ceph tool has this). Every stored full map is re-encoded with the features the target
 * release's monitor encodes with (OSDMap::get_encoding_features once require_osd_release is
 * `to`: osdmapEncodingFeatures), decoded again and compared:
 * - the bytes and CRC against the stored ones (a section version bump changes both);
 * - anything the new encoding cannot represent (fields that do not survive the round trip);
 * - pg_upmap_primary (and pg_upmap / pg_upmap_items) entries of pools that no longer exist or of
 *   PGs merged away (seed ≥ pg_num), which OSDMap::clean_pg_upmaps / the monitor would drop;
 * - MSR CRUSH rules against require_min_compat_client (clients before Squid cannot map them,
 *   CrushWrapper::has_msr_rules) and against the target (no CRUSH_MSR before Squid).
 * Read-only: nothing is written.
 */
import { RELEASE_NAMES, releaseName } from '../../ceph-releases.js';
import { MonctlError } from '../../errors.js';
import type { MonStore } from '../../store/index.js';
import { MSR_RULE_TYPES, dumpOSDMap } from '../../osdmap/dump.js';
import { osdmapEncodingFeatures } from '../../osdmap/encoding-features.js';
import { crcField, decodeOSDMap, encodeOSDMap } from '../../osdmap/osdmap.js';
import { RELEASE, effectiveRequireOsdRelease, type OSDMap } from '../../osdmap/osdmap-types.js';
import { sortedPgEntries, type PgMap } from '../../osdmap/osdmap-codec.js';
import { formatPg } from '../../osdmap/pg.js';
import { readOsdmapRange } from './store.js';

export interface StaleEntry {
  table: 'pg_upmap' | 'pg_upmap_items' | 'pg_upmap_primaries';
  pgid: string;
  reason: string;
}

export interface EpochCheck {
  epoch: number;
  /** require_osd_release of the stored map. */
  release: string;
  crcBefore: number;
  crcAfter: number;
  sameBytes: boolean;
  /** Top-level `osd dump` fields that differ after the round trip (lost or changed). */
  unrepresentable: string[];
  stale: StaleEntry[];
}

export interface UpgradeReport {
  to: string;
  from: number;
  last: number;
  /** Stored full maps checked (pruned epochs have none). */
  checked: number;
  crcChanged: number;
  unrepresentableEpochs: number;
  epochs: EpochCheck[];
  /** The newest map's MSR rules and require_min_compat_client. */
  msr: { rules: string[]; requireMinCompatClient: string; problem?: string };
  /** The newest map's stale entries (what to clean before or after the upgrade). */
  stale: StaleEntry[];
  ok: boolean;
}


function staleIn<V>(m: OSDMap, table: StaleEntry['table'], entries: PgMap<V>, osdOf?: (v: V) => number[]): StaleEntry[] {
  const out: StaleEntry[] = [];
  for (const e of sortedPgEntries(entries)) {
    const pool = m.pools.get(e.pg.pool);
    const pgid = formatPg(e.pg);
    if (pool === undefined) out.push({ table, pgid, reason: `pool ${e.pg.pool} does not exist` });
    else if (e.pg.seed >= pool.pgNum) out.push({ table, pgid, reason: `pool ${e.pg.pool} has pg_num ${pool.pgNum} (merged away)` });
    else {
      const gone = (osdOf?.(e.value) ?? []).filter((o) => o < 0 || o >= m.maxOsd || ((m.osdState[o] ?? 0) & 1) === 0);
      if (gone.length > 0) out.push({ table, pgid, reason: `osd.${gone.join(', osd.')} does not exist` });
    }
  }
  return out;
}

/** Entries a monitor would clean: of deleted pools, merged PGs, or naming OSDs that do not exist. */
export function staleOverrides(m: OSDMap): StaleEntry[] {
  return [
    ...staleIn(m, 'pg_upmap', m.pgUpmap, (v) => v),
    ...staleIn(m, 'pg_upmap_items', m.pgUpmapItems, (v) => v.map(([, to]) => to)),
    ...staleIn(m, 'pg_upmap_primaries', m.pgUpmapPrimaries, (v) => [v]),
  ];
}

/** The top-level `osd dump` fields whose value differs between two maps (as the newest release dumps them). */
function changedFields(a: OSDMap, b: OSDMap): string[] {
  const da = dumpOSDMap(a, RELEASE.TENTACLE);
  const db = dumpOSDMap(b, RELEASE.TENTACLE);
  const text = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return Object.keys(da).filter((k) => text(da[k]) !== text(db[k]));
}

function checkEpoch(epoch: number, bytes: Uint8Array, features: bigint): EpochCheck {
  const m = decodeOSDMap(bytes);
  const encoded = encodeOSDMap(m, features);
  const after = decodeOSDMap(encoded);
  const same = encoded.length === bytes.length && encoded.every((x, i) => x === bytes[i]);
  return {
    epoch,
    release: releaseName(effectiveRequireOsdRelease(m)),
    crcBefore: m.crc,
    crcAfter: crcField(encoded),
    sameBytes: same,
    unrepresentable: same ? [] : changedFields(m, after),
    stale: staleOverrides(m),
  };
}

function msrCheck(m: OSDMap, to: number): UpgradeReport['msr'] {
  const rules = m.crush.rules.flatMap((r, id) => (r && MSR_RULE_TYPES.includes(r.type) ? [m.crush.ruleNameMap.get(id) ?? `rule ${id}`] : []));
  const requireMinCompatClient = releaseName(m.requireMinCompatClient);
  let problem: string | undefined;
  if (rules.length > 0 && to < RELEASE.SQUID) problem = `${releaseName(to)} has no CRUSH_MSR: the MSR rules (${rules.join(', ')}) cannot be encoded`;
  else if (rules.length > 0 && m.requireMinCompatClient < RELEASE.SQUID) {
    problem = `MSR rules (${rules.join(', ')}) need squid clients, but require_min_compat_client is ${requireMinCompatClient}: older clients cannot map those pools`;
  }
  return { rules, requireMinCompatClient, ...(problem !== undefined ? { problem } : {}) };
}

/** Checks every stored full map of the store for an upgrade to release `to`. */
export async function upgradeCheck(store: MonStore, to: number): Promise<UpgradeReport> {
  const { first, last } = await readOsdmapRange(store);
  if (last === 0) {
    throw new MonctlError('KEY_NOT_FOUND', 'the store has no OSDMap (osdmap/last_committed is missing or 0)', {
      actions: ['Check that --store names a monitor data dir: `monctl store versions` lists its services.'],
    });
  }
  const newestBytes = await store.get('osdmap', `full_${last}`);
  const newest = newestBytes === undefined ? undefined : decodeOSDMap(newestBytes);
  const current = newest === undefined ? 0 : effectiveRequireOsdRelease(newest);
  if (to < current) {
    throw new MonctlError('BAD_ARGUMENT', `--to ${RELEASE_NAMES[to]} is older than the cluster's require_osd_release ${releaseName(current)}: not an upgrade`, {
      actions: [`Name ${releaseName(current)} or a later release.`],
    });
  }
  const features = osdmapEncodingFeatures(to);
  const epochs: EpochCheck[] = [];
  for (let e = Math.max(first, 1); e <= last; e++) {
    const bytes = await store.get('osdmap', `full_${e}`);
    if (bytes !== undefined) epochs.push(checkEpoch(e, bytes, features));
  }
  const msr = newest === undefined ? { rules: [], requireMinCompatClient: 'unknown' } : msrCheck(newest, to);
  const stale = epochs.at(-1)?.stale ?? [];
  const unrepresentableEpochs = epochs.filter((c) => c.unrepresentable.length > 0).length;
  return {
    to: releaseName(to),
    from: first,
    last,
    checked: epochs.length,
    crcChanged: epochs.filter((c) => c.crcBefore !== c.crcAfter).length,
    unrepresentableEpochs,
    epochs,
    msr,
    stale,
    ok: unrepresentableEpochs === 0 && msr.problem === undefined && stale.length === 0,
  };
}
