/**
 * The generated-history test's command generator (test/helpers/osd-history.ts) must not make a
 * command that crashes the real monitor: Ceph 16.2.15 aborts when an item is placed in a bucket
 * that an existing weight set has no entry for (a bucket made after `weight-set create`).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/lib/random.js';
import { PACIFIC, REEF } from '../../helpers/ceph-release.js';
import { Gen, modelFromDumps, nextCommand, simulate } from '../../helpers/osd-history.js';

const osdDump = {
  epoch: 20,
  max_osd: 4,
  pool_max: 1,
  flags: '',
  osds: [0, 1, 2, 3].map((osd) => ({ osd, weight: 1, state: ['exists', 'up'] })),
  pools: [{ pool: 1, pool_name: 'rbd', type: 1, size: 3, min_size: 2, pg_num: 8 }],
};
const bucket = (id: number, name: string, type: string, items: number[]) => ({ id, name, type_name: type, items: items.map((i) => ({ id: i })) });
const crushDump = {
  buckets: [bucket(-1, 'default', 'root', [-3]), bucket(-3, 'h1', 'host', [0, 1]), bucket(-2, 'late', 'host', []), bucket(-4, 'lateroot', 'root', [])],
  devices: [0, 1, 2, 3].map((id) => ({ id, name: `osd.${id}` })),
  rules: [{ rule_id: 0, rule_name: 'replicated_rule', type: 1 }],
  // The compat weight set was made before `late` and `lateroot`.
  choose_args: { '-1': [{ bucket_id: -1, weight_set: [[1]] }, { bucket_id: -3, weight_set: [[1, 1]] }] },
};

/** The bucket a command places an item in, if it places one. */
function placedIn(args: string[]): string | undefined {
  const [, a1, a2, , a4, a5] = args;
  if (a1 !== 'crush') return undefined;
  const loc = a2 === 'add' || a2 === 'set' || a2 === 'add-bucket' ? a5 : a2 === 'move' || a2 === 'link' ? a4 : undefined;
  return loc?.slice(loc.indexOf('=') + 1);
}

describe('osd history generator', () => {
  it('reads which buckets a weight set lacks', () => {
    const m = modelFromDumps(osdDump, crushDump);
    expect([...m.noWeightSet].sort((a, b) => a - b)).toEqual([-4, -2]);
    expect(modelFromDumps(osdDump, { ...crushDump, choose_args: {} }).noWeightSet.size).toBe(0);
  });

  it('never places an item in a bucket a weight set lacks (2,000 commands, seeded)', () => {
    const m = modelFromDumps(osdDump, crushDump);
    const g = new Gen(mulberry32(7), PACIFIC);
    const placements: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const c = nextCommand(m, g);
      if (!c) continue;
      const to = placedIn(c.args);
      if (to) {
        placements.push(to);
        const target = [...m.buckets.values()].find((b) => b.name === to);
        expect(target && m.noWeightSet.has(target.id), c.args.join(' ')).toBeFalsy();
      }
      simulate(m, c.args);
    }
    expect(placements.length).toBeGreaterThan(20);
  });

  it('pg-upmap-primary and its removals come only for Reef and later (2,000 commands each, seeded)', () => {
    const verbs = (release: typeof PACIFIC) => {
      const m = modelFromDumps({ ...osdDump, require_min_compat_client: 'reef', pg_upmap_primaries: [{ pgid: '1.3', primary_osd: 1 }] }, crushDump);
      const g = new Gen(mulberry32(11), release);
      const seen = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const c = nextCommand(m, g);
        if (!c) continue;
        seen.add(c.args[1]!);
        simulate(m, c.args);
      }
      return [...seen].filter((v) => v.includes('upmap-primary')).sort();
    };
    expect(verbs(PACIFIC)).toEqual([]);
    expect(verbs(REEF)).toEqual(['pg-upmap-primary', 'rm-pg-upmap-primary', 'rm-pg-upmap-primary-all']);
  });
});
