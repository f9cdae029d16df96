/**
 * `pg map` / `pg dump-map --release R`: the map as that release's decoder sees it. Reef's
 * fixture map moved PG 1.1's primary to osd.4 with `pg-upmap-primary`; Pacific's OSDMap::decode
 * never reads pg_upmap_primaries (client section v10), so as Pacific the PG keeps CRUSH's order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import PgDumpMap from '../../src/commands/pg/dump-map.js';
import PgMap from '../../src/commands/pg/map.js';
import { FIXTURES_DIR } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';

const REEF_MAP = join(FIXTURES_DIR, 'maps', 'reef-osdmap.bin');

describe('pg map and pg dump-map with --release', () => {
  it('as the map says (reef), pg_upmap_primaries move the primary; as pacific they do not', async () => {
    const reef = await runCommand(PgMap, ['1.1', '--osdmap', REEF_MAP, '--json']);
    expect(reef.exitCode, reef.stderr).toBe(0);
    const asReef = JSON.parse(reef.stdout) as { acting_primary: number; acting: number[] };
    expect(asReef.acting_primary).toBe(4);
    const pac = await runCommand(PgMap, ['1.1', '--osdmap', REEF_MAP, '--json', '--release', 'pacific']);
    expect(pac.exitCode, pac.stderr).toBe(0);
    const asPacific = JSON.parse(pac.stdout) as { acting_primary: number; acting: number[] };
    expect(asPacific.acting_primary).not.toBe(4);
    expect([...asPacific.acting].sort()).toEqual([...asReef.acting].sort());
  });

  it('dump-map: only the upmap-primary PG differs between reef and pacific', async () => {
    const reef = await runCommand(PgDumpMap, ['--osdmap', REEF_MAP, '--pool', '1', '--threads', '1']);
    const pac = await runCommand(PgDumpMap, ['--osdmap', REEF_MAP, '--pool', '1', '--threads', '1', '--release', 'pacific']);
    expect(reef.exitCode, reef.stderr).toBe(0);
    expect(pac.exitCode, pac.stderr).toBe(0);
    const lines = (s: string) => s.split('\n').filter((l) => /^1\.[0-9a-f]+\t/.test(l));
    const differ = lines(reef.stdout).filter((l, i) => l !== lines(pac.stdout)[i]);
    expect(differ.map((l) => l.split('\t')[0])).toEqual(['1.1']);
  });

  it('a release monctl does not know is a usage error', async () => {
    const r = await runCommand(PgMap, ['1.1', '--osdmap', REEF_MAP, '--release', 'octopus']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('BAD_ARGUMENT');
  });
});
