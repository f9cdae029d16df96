/**
 * monmap print per release on the Reef and Tentacle fixture stores' monmaps: the release names
 * each release knows, and Tentacle's auth cipher policy (struct_v 10, kept as the codec's tail),
 * with the text Reef's and Tentacle's monmaptool printed for those maps (checked against the
 * tools themselves in test/conformance/osdmap-releases-mon.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { monAuthCiphers } from '../../../src/lib/monmap/auth-ciphers.js';
import { emptyMonMap, printMonMap, type MonMap } from '../../../src/lib/monmap/index.js';
import { readMonMap } from '../../../src/lib/mon/monmap/store.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';

async function fixtureMonMap(name: 'reef' | 'tentacle'): Promise<MonMap> {
  const dir = extractFixture(name);
  try {
    return await MonStore.with(dir, {}, async (s) => (await readMonMap(s)).map);
  } finally {
    removeTempDirs();
  }
}

describe('monmap print by release', () => {
  it('Reef store: names reef as Reef and Tentacle do, unknown as Pacific', async () => {
    const m = await fixtureMonMap('reef');
    expect(printMonMap(m)).toContain('min_mon_release 18 (reef)\n');
    expect(printMonMap(m, undefined, 16)).toContain('min_mon_release 18 (unknown)\n');
    expect(printMonMap(m, undefined, 18)).not.toContain('auth_epoch');
    expect(printMonMap(m, undefined, 20)).toMatch(/auth_epoch 0\nauth_service_cipher aes\nauth_allowed_ciphers aes, aes256k\nauth_preferred_cipher aes\n$/);
  });

  it('Tentacle store: the v10 cipher policy the mon wrote (aes256k only)', async () => {
    const m = await fixtureMonMap('tentacle');
    expect(m.structV).toBe(10);
    expect(monAuthCiphers(m)).toEqual({ epoch: 0, service: 2, allowed: [2], preferred: 2 });
    expect(printMonMap(m)).toMatch(/min_mon_release 20 \(tentacle\)\n[^]*auth_epoch 0\nauth_service_cipher aes256k\nauth_allowed_ciphers aes256k\nauth_preferred_cipher aes256k\n$/);
    expect(printMonMap(m, undefined, 18)).toContain('min_mon_release 20 (unknown)\n');
  });

  it('a map without the policy gets Tentacle’s defaults', () => {
    expect(monAuthCiphers(emptyMonMap())).toEqual({ epoch: 0, service: 1, allowed: [1, 2], preferred: 1 });
  });
});
