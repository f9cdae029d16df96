/**
 * Ceph muscle memory: `monctl osd set noout -s STORE` and the other live `osd …` commands given
 * a store refuse (BAD_ARGUMENT, exit 2, no cluster contacted) and name the offline command;
 * that command, run as printed on a copy of the fixture store, makes the change.
 * Needs a build (dist/), as `npm test` after `npm ci` has.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineEdit } from '../../src/lib/cli/offline-equivalent.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { repoRoot } from '../helpers/corpus.js';

const RUN = join(repoRoot, 'bin', 'run.js');

function monctl(argv: string[]): { stdout: string; stderr: string; code: number | null } {
  const env = { ...process.env };
  delete env.MONCTL_STORE;
  delete env.MONCTL_CLUSTER;
  const r = spawnSync(process.execPath, [RUN, ...argv], { encoding: 'utf8', env, cwd: repoRoot });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** The words of the one `monctl …` command in backquotes after "Run". */
function suggested(stderr: string): string[] {
  const m = /Run `monctl ([^`]*)`/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return m![1]!.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
}

describe('live osd commands given --store/-s', () => {
  afterAll(() => removeTempDirs());

  const cases: Array<{ live: string[]; offline: string; after?: RegExp }> = [
    { live: ['osd', 'unset', 'noout'], offline: 'osdmap edit unset-flag noout' },
    { live: ['osd', 'set', 'noout'], offline: 'osdmap edit set-flag noout', after: /^flags noout,sortbitwise/m },
    { live: ['osd', 'out', '0'], offline: 'osdmap edit mark-out 0' },
    { live: ['osd', 'in', '0'], offline: 'osdmap edit mark-in 0', after: /^osd\.0 down in {2}weight 1 /m },
    { live: ['osd', 'reweight', '1', '0.5'], offline: 'osdmap edit reweight 1 0.5', after: /^osd\.1 down in {2}weight 0\.5 /m },
    { live: ['osd', 'pool', 'set', 'rbd', 'size', '2'], offline: 'osdmap edit set-pool rbd size 2', after: /^pool 1 'rbd' replicated size 2 /m },
  ];

  it('refuse with exit 2 and name the offline command, which then makes the change', () => {
    const mon = extractFixture('rocksdb');
    for (const c of cases) {
      const r = monctl([...c.live, '-s', mon]);
      expect({ argv: c.live, code: r.code, stdout: r.stdout }).toEqual({ argv: c.live, code: 2, stdout: '' });
      expect(r.stderr).toContain(`monctl: BAD_ARGUMENT: \`monctl ${c.live.join(' ')}\` changes a running embedded cluster`);
      expect(r.stderr).toContain(`Run \`monctl ${c.offline} -s ${mon}\``);
      // The printed command works as printed.
      const done = monctl([...suggested(r.stderr), '--no-backup']);
      expect({ argv: c.offline, code: done.code, stderr: done.stderr }).toEqual({ argv: c.offline, code: 0, stderr: '' });
    }
    const map = monctl(['osdmap', 'print', '-s', mon]).stdout;
    for (const c of cases) if (c.after) expect(map).toMatch(c.after);
    expect(map).toMatch(/^epoch 37$/m);
  }, 180_000);

  it('--json: the error on stdout with the command as its action', () => {
    const j = monctl(['osd', 'set', 'pause', '--store', '/srv/ceph-a', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error).toEqual({
      code: 'BAD_ARGUMENT',
      message: "`monctl osd set pause` changes a running embedded cluster (--cluster), not a store; `monctl osdmap edit set-flag pause -s /srv/ceph-a` makes this change in a stopped monitor's store",
      actions: ['Run `monctl osdmap edit set-flag pause -s /srv/ceph-a` (add --dry-run to see the new epoch first).'],
    });
  });

  it('osd down names mark-down; a path with spaces is quoted for the shell', () => {
    const r = monctl(['osd', 'down', 'osd.2', '-s', '/srv/my mons/ceph-a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Run `monctl osdmap edit mark-down osd.2 -s '/srv/my mons/ceph-a'`");
  });

  it('every live osd command with an offline twin takes -s; the mapping covers set|unset|out|in|down|reweight|pool set', () => {
    expect(offlineEdit(['osd', 'set', 'noout'])).toEqual(['set-flag', 'noout']);
    expect(offlineEdit(['osd', 'unset', 'pause'])).toEqual(['unset-flag', 'pause']);
    expect(offlineEdit(['osd', 'down', '3'])).toEqual(['mark-down', '3']);
    expect(offlineEdit(['osd', 'pool', 'set', 'rbd', 'size', '2'])).toEqual(['set-pool', 'rbd', 'size', '2']);
    expect(offlineEdit(['osd', 'pool', 'create', 'x', '8'])).toBeUndefined();
    expect(offlineEdit(['osd', 'create'])).toBeUndefined();
  });
});
