import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Ceph's archived encodings (ceph-object-corpus layout), found only through MONCTL_CORPUS. */
export const corpusDir = process.env.MONCTL_CORPUS ? resolve(process.env.MONCTL_CORPUS) : '';
export const corpusAvailable = corpusDir !== '' && existsSync(corpusDir);

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
