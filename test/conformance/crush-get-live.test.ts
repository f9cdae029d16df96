import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import CrushDecompile from '../../src/commands/crush/decompile.js';
import CrushDump from '../../src/commands/crush/dump.js';
import CrushGet from '../../src/commands/crush/get.js';
import { cephAvailable, extractFixture, quietToolConf, removeTempDirs, runTool } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';

/** `monctl crush get` writes the bytes `ceph-monstore-tool get crushmap` writes. */
describe.skipIf(!cephAvailable())('crush get / decompile / dump from a store vs ceph-monstore-tool and crushtool', () => {
  afterAll(() => removeTempDirs());
  for (const backend of ['leveldb', 'rocksdb'] as const) {
    it(`${backend}: epochs 1, 10, 20, 31`, async () => {
      const mon = extractFixture(backend);
      for (const epoch of [1, 10, 20, 31]) {
        const ours = join(mon, '..', `ours.${epoch}`);
        const theirs = join(mon, '..', `theirs.${epoch}`);
        const r = await runCommand(CrushGet, ['-s', mon, '--epoch', String(epoch), '-o', ours]);
        expect(r.exitCode, r.stderr).toBe(0);
        // the Ceph tool rewrites the store's files even to read: give it its own copy
        const copy = extractFixture(backend);
        const t = runTool('ceph-monstore-tool', [copy, `--conf=${quietToolConf()}`, 'get', 'crushmap', '--', '--version', String(epoch), '--out', theirs]);
        expect(t.code, t.stderr).toBe(0);
        expect(Buffer.compare(readFileSync(ours), readFileSync(theirs)), `epoch ${epoch}`).toBe(0);
        // and the store-read commands print what crushtool prints for that map
        const d = runTool('crushtool', ['-d', theirs]);
        expect((await runCommand(CrushDecompile, ['-s', mon, '--epoch', String(epoch)])).stdout).toBe(d.stdout);
        const j = runTool('crushtool', ['-i', theirs, '--dump']);
        expect((await runCommand(CrushDump, ['-s', mon, '--epoch', String(epoch)])).stdout).toBe(j.stdout);
      }
    });
  }
});
