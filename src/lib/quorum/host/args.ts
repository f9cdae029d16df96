/** Command-line words → Mutation fields, with BAD_ARGUMENT errors that say what to type. */
import { MonctlError } from '../../errors.js';

function bad(what: string, got: string, want: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', `${what} must be ${want}, got "${got}"`, { actions: [`Pass ${what} as ${want}.`] });
}

/** An OSD id as Ceph takes it: `3` or `osd.3`. */
export function parseOsdId(word: string): number {
  const m = /^(?:osd\.)?(\d+)$/.exec(word);
  if (!m) throw bad('ID', word, 'an OSD id such as 3 or osd.3');
  return Number(m[1]);
}

export function parseNumber(word: string, what: string, min: number, max: number, integer = false): number {
  const n = Number(word);
  if (word.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw bad(what, word, `${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
  }
  return n;
}

/** `FROM TO [FROM TO …]` as pairs of OSD ids. */
export function parseUpmapPairs(words: string[]): [number, number][] {
  if (words.length === 0 || words.length % 2 !== 0) throw bad('FROM TO…', words.join(' '), 'one or more FROM TO pairs of OSD ids');
  const ids = words.map(parseOsdId);
  const pairs: [number, number][] = [];
  for (let i = 0; i < ids.length; i += 2) pairs.push([ids[i]!, ids[i + 1]!]);
  return pairs;
}

/** `host=H [rack=R]`: the CRUSH location the embedded cluster supports. */
export function parseCrushLocation(words: string[]): { host: string; rack?: string } {
  const loc: Record<string, string> = {};
  for (const w of words) {
    const m = /^(host|rack)=([A-Za-z0-9_.-]+)$/.exec(w);
    if (!m || loc[m[1]!] !== undefined) throw bad('location', w, 'host=NAME, optionally followed by rack=NAME');
    loc[m[1]!] = m[2]!;
  }
  if (loc.host === undefined) throw bad('location', words.join(' '), 'host=NAME [rack=NAME]');
  return loc.rack === undefined ? { host: loc.host } : { host: loc.host, rack: loc.rack };
}
