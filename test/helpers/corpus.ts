import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Ceph's archived encodings, found through MONCTL_CORPUS (default: ../shared/ceph-corpus). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const corpusDir = resolve(process.env.MONCTL_CORPUS ?? join(repoRoot, '..', 'shared', 'ceph-corpus'));
export const corpusAvailable = existsSync(corpusDir);

export interface CorpusObject {
  version: string;
  type: string;
  hash: string;
  path: string;
  bytes: Uint8Array;
}

/** Every archived object of one type, across all Ceph versions (sidecar files excluded). */
export function corpusObjects(type: string): CorpusObject[] {
  if (!corpusAvailable) return [];
  const out: CorpusObject[] = [];
  for (const version of readdirSync(corpusDir).sort()) {
    const dir = join(corpusDir, version, type);
    if (!existsSync(dir)) continue;
    for (const hash of readdirSync(dir).sort()) {
      if (hash.includes('.')) continue;
      const path = join(dir, hash);
      out.push({ version, type, hash, path, bytes: new Uint8Array(readFileSync(path)) });
    }
  }
  return out;
}
