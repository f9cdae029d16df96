/**
 * A new cluster's first maps, per release, against the ones real monitors wrote: the epoch-1
 * OSDMap (full_1 and the Incremental's fullmap) and monmap 1 of the Pacific, Reef and Tentacle
 * fixture stores (test/fixtures/mon-*.tar.gz, made by each release's ceph-mon --mkfs), byte for
 * byte once fsid, times and addresses are taken from the fixture. The Reef and Tentacle
 * fixtures were made with require_osd_release held back (mon_debug_no_require_*, so that their
 * history could raise it): for them the comparison uses that release and its features, and a
 * second check that everything else is the release's own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Reader } from '../../../src/lib/encoding/index.js';
import { decodeMonMap, encodeMonMap, type MonMap } from '../../../src/lib/monmap/index.js';
import { Writer } from '../../../src/lib/encoding/index.js';
import { decodeIncremental, decodeOSDMap, encodeOSDMap, osdmapEncodingFeatures, RELEASE } from '../../../src/lib/osdmap/index.js';
import { initialMonMap, initialOSDMap } from '../../../src/lib/quorum/initial-maps.js';
import { MonitorNode } from '../../../src/lib/quorum/monitor.js';
import { formatSockaddr } from '../../../src/lib/msg/entity-addr.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs, type FixtureName } from '../../helpers/ceph.js';

const CASES: Array<{ fixture: FixtureName; release: number }> = [
  { fixture: 'leveldb', release: RELEASE.PACIFIC },
  { fixture: 'reef', release: RELEASE.REEF },
  { fixture: 'tentacle', release: RELEASE.TENTACLE },
];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function encodedMonMap(m: MonMap): Uint8Array {
  const w = new Writer(512);
  encodeMonMap(w, m);
  return w.bytes();
}

describe('a new cluster\'s first maps equal what each release\'s monitor wrote', () => {
  afterAll(() => removeTempDirs());

  for (const { fixture, release } of CASES) {
    it(`${fixture} (release ${release}): osdmap epoch 1 and monmap 1`, async () => {
      const dir = extractFixture(fixture);
      await MonStore.with(dir, {}, async (store) => {
        const full = (await store.get('osdmap', 'full_1'))!;
        const inc = decodeIncremental((await store.get('osdmap', '1'))!);
        const theirs = decodeOSDMap(full);
        const ours = initialOSDMap(theirs.fsid, theirs.created, release);
        ours.modified = { ...theirs.modified };
        expect(ours.requireOsdRelease).toBe(release);
        // The fixture's require_osd_release (held back for Reef and Tentacle) and its features.
        ours.requireOsdRelease = theirs.requireOsdRelease;
        expect(inc.encodeFeatures).toBe(osdmapEncodingFeatures(theirs.requireOsdRelease));
        const bytes = encodeOSDMap(ours, inc.encodeFeatures);
        expect(hex(bytes)).toBe(hex(full));
        expect(hex(bytes)).toBe(hex(inc.fullmap));

        const mm = decodeMonMap(new Reader((await store.get('monmap', '1'))!));
        const addrs = mm.ranks.map((n) => formatSockaddr(mm.monInfo.get(n)!.publicAddrs.v[0]!));
        const mine = initialMonMap(mm.fsid, mm.ranks, addrs, mm.created, release);
        expect(mine.minMonRelease).toBe(release);
        for (const [name, info] of mine.monInfo) {
          // Tentacle's mon_info_t v6 time the monitor was added: the creation time here; the
          // real mkfs read its clock again a few µs later, so only the seconds can agree.
          const theirsInfo = mm.monInfo.get(name)!;
          expect(info.tail?.length ?? 0).toBe(theirsInfo.tail?.length ?? 0);
          if (info.tail === undefined) continue;
          expect(Buffer.from(info.tail).readUInt32LE(0)).toBe(Buffer.from(theirsInfo.tail!).readUInt32LE(0));
          info.tail = theirsInfo.tail;
        }
        expect(hex(encodedMonMap(mine))).toBe(hex(encodedMonMap(mm)));
      });
    });
  }
});

describe('mkfs', () => {
  it('a new monitor writes monitor/magic (which ceph-mon checks at start) in its first batch, once', () => {
    const cfg = { rank: 0, names: ['a'], addrs: ['127.0.0.1:3300'], fsid: '8c4ef1a2-5d3b-4c6e-9f70-1a2b3c4d5e6f', seed: 1 };
    const node = new MonitorNode(cfg, new Map());
    const ops = node.ready().transaction?.ops ?? [];
    const magic = ops.find((o) => o.prefix === 'monitor' && o.key === 'magic') as { value?: Uint8Array } | undefined;
    expect(Buffer.from(magic?.value ?? []).toString()).toBe('ceph mon volume v012\n');
    const again = new MonitorNode(cfg, new Map(node.kv));
    expect((again.hasReady() ? (again.ready().transaction?.ops ?? []) : []).some((o) => o.key === 'magic')).toBe(false);
  });
});
