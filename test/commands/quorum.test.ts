/**
 * The live osd and quorum commands, in-process, before any network: bad words are a clean
 * BAD_ARGUMENT (exit 2), a missing cluster is CLUSTER_NOT_FOUND (exit 2), a cluster with no
 * running monitor is QUORUM_UNAVAILABLE (exit 5) at once — never a stack trace or a hang.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import OsdCrushAdd from '../../src/commands/osd/crush/add.js';
import OsdOut from '../../src/commands/osd/out.js';
import OsdPgUpmapItems from '../../src/commands/osd/pg-upmap-items.js';
import OsdPoolCreate from '../../src/commands/osd/pool/create.js';
import OsdReweight from '../../src/commands/osd/reweight.js';
import QuorumDown from '../../src/commands/quorum/down.js';
import QuorumStart from '../../src/commands/quorum/start.js';
import QuorumStatus from '../../src/commands/quorum/status.js';
import { createCluster } from '../../src/lib/quorum/host/cluster.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';

describe('live commands without a running quorum', () => {
  const tmp = tempDir('quorum-cmds');
  afterAll(() => tmp.cleanup());

  it.each([
    [OsdReweight, ['3', 'heavy']],
    [OsdOut, ['three']],
    [OsdCrushAdd, ['1', '0.1', 'row=r1']],
    [OsdPgUpmapItems, ['1.0', '2']],
    [OsdPoolCreate, ['rbd', 'many']],
  ] as const)('%o %o: BAD_ARGUMENT', async (cmd, argv) => {
    const r = await runCommand(cmd, [...argv, '--cluster', join(tmp.dir, 'none'), '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('BAD_ARGUMENT');
  });

  it('no cluster dir: CLUSTER_NOT_FOUND with the way to make one', async () => {
    for (const cmd of [QuorumStatus, QuorumDown]) {
      const r = await runCommand(cmd, ['--cluster', join(tmp.dir, 'none')]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/CLUSTER_NOT_FOUND: no embedded cluster in .*\n  → Create one with `monctl quorum up`/);
    }
  });

  it('a stopped cluster: QUORUM_UNAVAILABLE at once, down is a no-op, start names the monitor', async () => {
    const dir = join(tmp.dir, 'stopped');
    await createCluster(dir, 3);
    const t0 = Date.now();
    const out = await runCommand(OsdOut, ['1', '--cluster', dir, '--json']);
    expect(out.exitCode).toBe(5);
    expect(JSON.parse(out.stdout).error.code).toBe('QUORUM_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(5_000);
    const down = await runCommand<{ stopped: string[] }>(QuorumDown, ['--cluster', dir, '--json']);
    expect(down.result!.stopped).toEqual([]);
    const bad = await runCommand(QuorumStart, ['7', '--cluster', dir]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/no monitor 7 .*\n  → Name one of a, b, c or a rank 0\.\.2/);
  });

  it('quorum status of a stopped cluster says how to start it, not to run quorum status', async () => {
    const dir = join(tmp.dir, 'stopped-status');
    await createCluster(dir, 3);
    const t0 = Date.now();
    for (const r of [await runCommand(QuorumStatus, ['--cluster', dir]), await runCommand(OsdOut, ['1', '--cluster', dir])]) {
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toMatch(/QUORUM_UNAVAILABLE: no monitor of the cluster in .* is running\n  → Start the cluster with `monctl quorum up --detach --dir .*`, or one monitor with `monctl quorum start NAME/);
      expect(r.stderr).not.toMatch(/quorum status/);
    }
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
