import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import PaxosShow from '../../src/commands/paxos/show.js';
import StoreCrc from '../../src/commands/store/crc.js';
import StoreList from '../../src/commands/store/list.js';
import StoreVersions from '../../src/commands/store/versions.js';
import { runCommand } from './run-command.js';

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

/** `ceph-monstore-tool dump-paxos` text → [{version, ...transaction dump}]. */
export function parseDumpPaxos(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const re = /^--- (\d+) ---\n([\s\S]*?)(?=^--- \d+ ---|^dumped \d+ paxos versions)/gm;
  for (const m of text.matchAll(re)) out.push({ version: Number(m[1]), ...JSON.parse(m[2]!) });
  return out;
}

/**
 * The checks that tie monctl's store commands to the real tools' answers, run against the
 * golden files the fixture script made with `ceph-kvstore-tool`/`ceph-monstore-tool` for the
 * same store. Used on the committed fixtures (unit tier) and on fresh ones (conformance).
 */
export function goldenChecks(store: () => string, golden: () => string): void {
  it('store list = ceph-kvstore-tool list (all keys, and one prefix)', async () => {
    expect((await runCommand(StoreList, ['-s', store()])).stdout).toBe(read(golden(), 'kvstore-list.txt'));
    expect((await runCommand(StoreList, ['-s', store(), '--prefix', 'osdmap'])).stdout).toBe(read(golden(), 'kvstore-list-osdmap.txt'));
  });

  it('store crc = ceph-kvstore-tool list-crc', async () => {
    expect((await runCommand(StoreCrc, ['-s', store()])).stdout).toBe(read(golden(), 'kvstore-list-crc.txt'));
  });

  it('store versions --map-type T = ceph-monstore-tool show-versions for every service', async () => {
    const blocks = read(golden(), 'show-versions.txt').split(/^== /m).filter(Boolean);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const b of blocks) {
      const [svc, ...lines] = b.split('\n');
      const ours = await runCommand(StoreVersions, ['-s', store(), '--map-type', svc!]);
      expect(ours.stdout, svc).toBe(lines.join('\n').replace(/\n+$/, '\n'));
    }
  });

  it('paxos show --json = ceph-monstore-tool dump-paxos (every version)', async () => {
    const theirs = parseDumpPaxos(read(golden(), 'dump-paxos-range.txt'));
    expect(theirs.length).toBeGreaterThan(3);
    const ours = JSON.parse((await runCommand(PaxosShow, ['-s', store(), '--json'])).stdout);
    expect(ours).toEqual(theirs);
  });
}
