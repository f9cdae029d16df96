import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PaxosShow from '../../../src/commands/paxos/show.js';
import StoreCheck from '../../../src/commands/store/check.js';
import StoreStats from '../../../src/commands/store/stats.js';
import StoreVersions from '../../../src/commands/store/versions.js';
import {
  BASELINE_SERVICES,
  KNOWN_SERVICES,
  PAXOS_SERVICES,
  SERVICES_WITH_FULL_VERSIONS,
  SERVICES_WITHOUT_VERSION_VALUES,
  committedVersions,
  fullVersionOf,
  listServices,
  prefixOwner,
  serviceInfo,
} from '../../../src/lib/mon/paxos/index.js';
import { SERVICE_TRIM_KEEP, TRIMMABLE_SERVICES } from '../../../src/lib/mon/paxos/service-trim.js';
import { MonStore, TransactionBuilder, copyStore, transactionToBytes } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';
import { makeSyntheticMonStore, tempDir } from '../../helpers/stores.js';
import { checkStore } from '../../../src/lib/mon/index.js';

describe('the paxos services of Ceph 16–20', () => {
  it('names every service of mon_types.h in ceph-mon\'s order, nvmeofgw (Squid+) last', () => {
    expect(KNOWN_SERVICES).toEqual(['mdsmap', 'osdmap', 'logm', 'monmap', 'auth', 'mgr', 'mgrstat', 'health', 'config', 'kv', 'nvmeofgw']);
    expect(BASELINE_SERVICES).toEqual(KNOWN_SERVICES.filter((s) => s !== 'nvmeofgw'));
    expect(serviceInfo('nvmeofgw')).toMatchObject({ cephClass: 'NVMeofGwMon', since: 'squid', versionValues: true, fullVersions: false });
  });

  it('config and health keep no numbered versions; osdmap, logm and auth keep full versions', () => {
    expect([...SERVICES_WITHOUT_VERSION_VALUES].sort()).toEqual(['config', 'health']);
    expect([...SERVICES_WITH_FULL_VERSIONS].sort()).toEqual(['auth', 'logm', 'osdmap']);
    for (const s of PAXOS_SERVICES) expect(s.fullVersions && !s.versionValues, s.name).toBe(false);
  });

  it('every service with numbered versions has a trim policy or is monmap; nvmeofgw keeps 500, kv 50', () => {
    for (const s of PAXOS_SERVICES.filter((x) => x.versionValues)) expect(TRIMMABLE_SERVICES.has(s.name), s.name).toBe(true);
    expect(SERVICE_TRIM_KEEP.nvmeofgw).toBe(500);
    expect(SERVICE_TRIM_KEEP.kv).toBe(50);
  });

  it('knows who writes each prefix', () => {
    expect(prefixOwner('osdmap')).toMatchObject({ service: 'osdmap', owners: ['osdmap'] });
    expect(prefixOwner('osd_snap')?.owners).toEqual(['osdmap']);
    expect(prefixOwner('mds_health')?.owners).toEqual(['mdsmap']);
    expect(prefixOwner('mgr_command_descs')?.owners).toEqual(['mgr']);
    expect(prefixOwner('mon_config_key')?.owners).toEqual(['config', 'kv']);
    expect(prefixOwner('paxos')?.owners).toEqual(['paxos']);
    expect(prefixOwner('monitor_store')?.owners).toEqual(['monitor']);
    expect(prefixOwner('nvmeofgw')?.service).toBe('nvmeofgw');
    expect(prefixOwner('whatever')).toBeUndefined();
  });

  it('fullVersionOf reads full_<v> keys only', () => {
    expect(fullVersionOf('full_31')).toBe(31n);
    expect(fullVersionOf('full_latest')).toBeUndefined();
    expect(fullVersionOf('full_031')).toBeUndefined();
    expect(fullVersionOf('31')).toBeUndefined();
  });

  it('committedVersions: the services a paxos version commits', () => {
    const tx = new TransactionBuilder()
      .put('nvmeofgw', '7', new Uint8Array([1]))
      .putVersion('nvmeofgw', 'last_committed', 7n)
      .putVersion('osdmap', 'full_latest', 3n)
      .putVersion('newsvc', 'last_committed', 2n)
      .putVersion('paxos', 'last_committed', 99n).tx;
    expect(committedVersions(tx)).toEqual([
      { service: 'nvmeofgw', version: 7n, known: true },
      { service: 'newsvc', version: 2n, known: false },
    ]);
  });
});

/**
 * A store shaped like a Squid/Tentacle monitor's: nvmeofgw versions, Quincy-style logm
 * entry keys (`<channel>/<%08x>`), health and config with named keys only, and a prefix with
 * paxos bookkeeping monctl does not know.
 */
describe('store versions / check / stats / paxos show on a Squid+ shaped store', () => {
  const tmp = tempDir('services');
  let pacific = '';
  let squid = '';
  beforeAll(async () => {
    pacific = await makeSyntheticMonStore(tmp.dir, 'leveldb', 'pacific');
    squid = `${tmp.dir}/squid`;
    await copyStore(pacific, squid);
    await MonStore.with(squid, { write: true }, async (s) => {
      const tx = new TransactionBuilder();
      for (let v = 1; v <= 4; v++) tx.put('nvmeofgw', String(v), new Uint8Array(20).fill(v));
      tx.putVersion('nvmeofgw', 'first_committed', 1n).putVersion('nvmeofgw', 'last_committed', 4n);
      for (let v = 1; v <= 3; v++) tx.put('logm', String(v), new Uint8Array([2, 0, 0, 0, 0]));
      tx.put('logm', 'full_3', new Uint8Array([9])).putVersion('logm', 'full_latest', 3n);
      tx.put('logm', 'cluster/0000001a', new Uint8Array([1])).put('logm', 'audit/00000002', new Uint8Array([1]));
      tx.putVersion('logm', 'first_committed', 1n).putVersion('logm', 'last_committed', 3n);
      tx.putVersion('health', 'first_committed', 1n).putVersion('health', 'last_committed', 9n).put('health', 'quorum', new Uint8Array([1]));
      tx.putVersion('config', 'first_committed', 1n).putVersion('config', 'last_committed', 5n);
      tx.put('mon_config_key', 'config/global/x', new TextEncoder().encode('1'));
      tx.put('newsvc', '1', new Uint8Array([1])).putVersion('newsvc', 'first_committed', 1n).putVersion('newsvc', 'last_committed', 1n);
      // a paxos version 13 committing nvmeofgw 4 and the unknown service
      const p13 = new TransactionBuilder().put('nvmeofgw', '4', new Uint8Array(20).fill(4)).putVersion('nvmeofgw', 'last_committed', 4n).putVersion('newsvc', 'last_committed', 1n).tx;
      tx.put('paxos', '13', transactionToBytes(p13)).putVersion('paxos', 'last_committed', 13n);
      await s.apply(tx.tx);
    });
  });
  afterAll(() => tmp.cleanup());

  it('a Pacific store lists the baseline services only; a Squid+ one also nvmeofgw and unknown services', async () => {
    const p = JSON.parse((await runCommand(StoreVersions, ['-s', pacific, '--json'])).stdout) as Record<string, unknown>;
    expect(Object.keys(p).sort()).toEqual(['paxos', ...BASELINE_SERVICES].sort());
    const r = await runCommand(StoreVersions, ['-s', squid, '--json']);
    const j = JSON.parse(r.stdout) as Record<string, { first_committed: number; last_committed: number; full_latest?: number }>;
    expect(j.nvmeofgw).toEqual({ first_committed: 1, last_committed: 4 });
    expect(j.newsvc).toEqual({ first_committed: 1, last_committed: 1 });
    expect(j.logm).toEqual({ first_committed: 1, last_committed: 3, full_latest: 3 });
    const text = (await runCommand(StoreVersions, ['-s', squid])).stdout;
    expect(text).toMatch(/^nvmeofgw\s+1\s+4\s+-\s+versions$/m);
    expect(text).toMatch(/^newsvc\s+1\s+1\s+-\s+unknown service$/m);
    expect(text).toMatch(/^health\s+1\s+9\s+-\s+named keys only$/m);
    expect(text).toMatch(/^osdmap\s+1\s+10\s+10\s+versions \+ full$/m);
    const m = await runCommand(StoreVersions, ['-s', squid, '--map-type', 'nvmeofgw']);
    expect(m.stdout).toBe('first committed:\t1\nlast  committed:\t4\n');
  });

  it('store check checks nvmeofgw and unknown services, not health/config, and tells which are unknown', async () => {
    const ok = await runCommand(StoreCheck, ['-s', squid, '--json', '--quick']);
    expect(ok.exitCode, ok.stdout).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.unknown_services).toEqual(['newsvc']);
    // osdmap 10 + logm 3 + nvmeofgw 4 + newsvc 1 (health's 9 and config's 5 have no values)
    expect(j.checked).toMatchObject({ services: 6, service_versions: 18 });
    const text = await runCommand(StoreCheck, ['-s', squid, '--quick']);
    expect(text.stdout).toContain('note: newsvc is not a paxos service of Ceph 16–20');

    const broken = `${tmp.dir}/broken`;
    await copyStore(squid, broken);
    await MonStore.with(broken, { write: true }, (s) =>
      s.apply(new TransactionBuilder().erase('nvmeofgw', '2').putVersion('logm', 'full_latest', 5n).put('logm', 'full_5', new Uint8Array([1])).tx),
    );
    const report = await MonStore.with(broken, {}, (s) => checkStore(s));
    expect(report.problems.map((p) => `${p.code} ${p.key}`)).toEqual(['BAD_RANGE logm/full_latest', 'MISSING_VERSION nvmeofgw/2']);
  });

  it('store stats names the service behind each prefix', async () => {
    const r = await runCommand<{ prefixes: Array<{ prefix: string; owner: string; keys: number }> }>(StoreStats, ['-s', squid, '--json']);
    const owners = Object.fromEntries(r.result!.prefixes.map((p) => [p.prefix, p.owner]));
    expect(owners).toMatchObject({ nvmeofgw: 'nvmeofgw', mon_config_key: 'config, kv', paxos: 'paxos', monitor: 'monitor', newsvc: 'unknown', logm: 'logm' });
    expect((await runCommand(StoreStats, ['-s', squid])).stdout).toMatch(/^mon_config_key\s+config, kv\s+1\s/m);
  });

  it('paxos show names the service versions each paxos version commits', async () => {
    const r = await runCommand(PaxosShow, ['-s', squid, '--from', '12', '--to', '13']);
    expect(r.stdout).toMatch(/^--- 12 --- 4 ops, \d+ keys, \d+ bytes; commits osdmap 10$/m);
    expect(r.stdout).toMatch(/^--- 13 --- 3 ops, \d+ keys, \d+ bytes; commits nvmeofgw 4, newsvc 1 \(unknown service\)$/m);
  });

  it('listServices: found prefixes plus the baseline, sorted', async () => {
    const services = await MonStore.with(squid, {}, listServices);
    expect(services).toEqual([...BASELINE_SERVICES, 'newsvc', 'nvmeofgw'].sort());
  });
});

/** The committed stores of real Reef (18.2) and Tentacle (20.2) monitors. */
describe('services of the committed Reef and Tentacle fixtures', () => {
  const mons: Record<string, string> = {};
  beforeAll(() => {
    mons.reef = extractFixture('reef');
    mons.tentacle = extractFixture('tentacle');
  });
  afterAll(() => removeTempDirs());

  it('Tentacle has nvmeofgw versions; Reef has no such service', async () => {
    const t = JSON.parse((await runCommand(StoreVersions, ['-s', mons.tentacle!, '--json'])).stdout) as Record<string, { last_committed: number }>;
    expect(Object.keys(t).sort()).toEqual(['paxos', ...KNOWN_SERVICES].sort());
    expect(t.nvmeofgw!.last_committed).toBeGreaterThan(0);
    const r = JSON.parse((await runCommand(StoreVersions, ['-s', mons.reef!, '--json'])).stdout) as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(['paxos', ...BASELINE_SERVICES].sort());
  });

  it('store check knows every service of both (no unknown ones), and Quincy+ logm entry keys do not disturb it', async () => {
    for (const release of ['reef', 'tentacle']) {
      const c = await runCommand(StoreCheck, ['-s', mons[release]!, '--json']);
      expect(c.exitCode, release).toBe(0);
      expect(JSON.parse(c.stdout).unknown_services, release).toEqual([]);
      const logm = (await runCommand(StoreStats, ['-s', mons[release]!, '--json', '--prefix', 'logm'])).result as { total_keys: number };
      expect(logm.total_keys).toBeGreaterThan(0);
    }
    const entries = await MonStore.with(mons.tentacle!, {}, async (s) => {
      const keys: string[] = [];
      for await (const e of s.entries({ prefix: 'logm', values: false })) if (e.key.includes('/')) keys.push(e.key);
      return keys;
    });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((k) => /^[a-z]+\/[0-9a-f]{8}$/.test(k))).toBe(true);
  });
});
