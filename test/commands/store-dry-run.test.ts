import { afterAll, describe, expect, it } from 'vitest';
import MonmapAdd from '../../src/commands/monmap/add.js';
import OsdmapEditMarkOut from '../../src/commands/osdmap/edit/mark-out.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree } from '../helpers/stores.js';

/**
 * `--dry-run` is honest about time: an edit's `modified` (and an OSD's last_in_change, a
 * MonMap's last_changed) is the time of the run, so the dry run names those fields, the stamp
 * it used and the keys whose bytes will differ; everything else equals the real write.
 */
afterAll(() => removeTempDirs());

describe('dry runs name the fields that take the time of the real run', () => {
  it('osdmap edit: modified and last_in_change named; the diff is what the write writes', async () => {
    const mon = extractFixture('leveldb');
    const before = hashTree(mon);
    const dry = await runCommand<{ time_of_run: { fields: string[]; stamp: string; keys: string[] }; diff: unknown; keys: string[] }>(OsdmapEditMarkOut, ['0', '-s', mon, '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.result!.time_of_run.fields).toEqual(['modified', 'last_in_change']);
    expect(dry.result!.time_of_run.stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(hashTree(mon)).toEqual(before);
    const text = await runCommand(OsdmapEditMarkOut, ['0', '-s', mon, '--dry-run']);
    expect(text.stdout).toMatch(/^note: modified, last_in_change take the time of the real run \(this dry run used .*\), so full_crc and the bytes of paxos\/\d+, osdmap\/full_\d+, osdmap\/\d+ will differ/m);
    const real = await runCommand<{ time_of_run?: unknown; diff: unknown; keys: string[] }>(OsdmapEditMarkOut, ['0', '-s', mon, '--no-backup', '--json']);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(real.result!.time_of_run).toBeUndefined();
    expect(real.result!.keys).toEqual(dry.result!.keys);
    expect(JSON.stringify(real.result!.diff)).toBe(JSON.stringify(dry.result!.diff));
  });

  it('monmap edit: last_changed named', async () => {
    const mon = extractFixture('reef');
    const dry = await runCommand(MonmapAdd, ['z', '10.0.0.9', '-s', mon, '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('note: last_changed takes the time of the real run');
  });
});
