import { afterAll, describe, expect, it } from 'vitest';
import StoreCheck from '../../../src/commands/store/check.js';
import { MonStore, TransactionBuilder } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs, type FixtureName } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';

/**
 * Damage the key-value layer cannot see (a value rewritten with a flipped byte, every block
 * checksum intact): `store check` finds it through Ceph's own CRCs and the OSDMap history,
 * naming the key; `--quick` (bookkeeping and files only) does not look there.
 */
afterAll(() => removeTempDirs());

async function flipValueByte(mon: string, prefix: string, key: string, at: (len: number) => number): Promise<void> {
  await MonStore.with(mon, { write: true }, async (s) => {
    const v = (await s.require(prefix, key)).slice();
    v[at(v.length)]! ^= 0x5a;
    await s.apply(new TransactionBuilder().put(prefix, key, v).tx);
  });
}

async function lastEpoch(mon: string): Promise<bigint> {
  return MonStore.with(mon, {}, async (s) => (await s.getVersion('osdmap', 'last_committed'))!);
}

describe.each(['leveldb', 'tentacle'] as FixtureName[])('value damage in a %s store', (store) => {
  for (const [what, key] of [
    ['a full OSDMap', (e: bigint) => `full_${e}`],
    ['an incremental', (e: bigint) => String(e)],
    ['a MonMap', () => '1'],
  ] as const) {
    it(`a flipped byte in ${what}: store check names the key, --quick does not look`, async () => {
      const mon = extractFixture(store);
      const prefix = what === 'a MonMap' ? 'monmap' : 'osdmap';
      const k = key(await lastEpoch(mon));
      await flipValueByte(mon, prefix, k, (n) => Math.floor(n / 2));
      const r = await runCommand<{ problems: Array<{ code: string; key?: string }> }>(StoreCheck, ['-s', mon, '--json']);
      expect(r.exitCode, r.stdout).toBe(1);
      const problems = JSON.parse(r.stdout).problems as Array<{ code: string; key?: string; message: string }>;
      expect(problems.some((p) => p.key === `${prefix}/${k}` || p.message.includes(`${prefix}/${k}`)), JSON.stringify(problems)).toBe(true);
      expect((await runCommand(StoreCheck, ['-s', mon, '--quick'])).exitCode).toBe(0);
    });
  }
});
