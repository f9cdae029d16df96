import { MonctlError } from '../errors.js';
import { isNoSpace, noSpaceError } from './fs-errors.js';

function causeText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    if (cur instanceof Error) {
      parts.push(cur.message);
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(': ');
}

/** Maps a backend's open failure to a MonctlError: a held LOCK means a live monitor. */
export function openError(dir: string, backend: string, e: unknown, alias?: string): MonctlError {
  let text = causeText(e);
  if (alias !== undefined && alias !== dir) text = text.split(alias).join(dir);
  if (isNoSpace(e) || /No space left on device/.test(text)) return noSpaceError(dir, e);
  if (/lock/i.test(text) && /(unavailable|held|hold|already|locked|no locks)/i.test(text)) {
    return new MonctlError('STORE_LOCKED', `the ${backend} store at ${dir} is locked by another process (a running ceph-mon?)`, {
      cause: e,
      actions: ['Stop the monitor that uses this store (systemctl stop ceph-mon@<id>), then run the command again.'],
    });
  }
  if (/Corruption/i.test(text)) {
    return new MonctlError('DECODE_INVALID', `the ${backend} store at ${dir} is damaged: ${text}`, {
      cause: e,
      actions: ['Run `monctl store check` to list every damaged file; restore store.db from a backup (`monctl store restore-backup`) or rebuild this monitor from its peers.'],
    });
  }
  return new MonctlError('STORE_OPEN_FAILED', `cannot open the ${backend} store at ${dir}: ${text}`, {
    cause: e,
    actions: ['Check that the path is a monitor store (a mon data dir or its store.db) and that it is readable.'],
  });
}
