import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { copyStore } from '../../src/lib/store/index.js';
import { extractFixture, removeTempDirs, type Backend } from './ceph.js';
import { tempDir } from './stores.js';

/**
 * For a describe block: the committed fixture store of `backend`, extracted once
 * (`pristine()`), and a fresh copy of it per test (`fresh(name)`); all removed afterwards.
 */
export function fixtureCopies(backend: Backend, label: string): { pristine: () => string; fresh: (name: string) => Promise<string> } {
  const tmp = tempDir(`${label}-${backend}`);
  let pristine = '';
  beforeAll(() => {
    pristine = extractFixture(backend);
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });
  return {
    pristine: () => pristine,
    fresh: async (name) => {
      const mon = join(tmp.dir, name);
      await copyStore(pristine, mon);
      return mon;
    },
  };
}
