/**
 * "Did you mean …?" for mistyped commands and flags: the closest known name by edit distance,
 * offered only when it is close enough to be a typo rather than a different word.
 */

/** Levenshtein distance (insert, delete, substitute, and swap of two neighbours: `sotre` → `store`). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Three rows: the swap of two neighbours looks two rows back.
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** How many edits still count as a typo of `name`: 1 for short names, up to a third of longer ones. */
function tolerance(name: string): number {
  return Math.max(1, Math.floor(name.length / 3));
}

/**
 * The candidate closest to `typed` within typo distance, or undefined. A candidate that starts
 * with what was typed (`--pre` → `--prefix`) counts as close too; ties go to the first listed.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    let d = editDistance(typed, c);
    if (d > tolerance(c)) {
      if (typed.length >= 3 && c.startsWith(typed)) d = tolerance(c);
      else continue;
    }
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}

/**
 * The command closest to the words typed (`stor list` → `store list`): each command id (and
 * topic) is compared with as many leading words as it has parts, so extra words (arguments)
 * after a mistyped command do not spoil the match. Returns the id in typed form (spaces).
 */
export function closestCommand(words: readonly string[], ids: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const id of ids) {
    const parts = id.split(':');
    if (parts.length > words.length) continue;
    const typed = words.slice(0, parts.length).join(' ');
    const name = parts.join(' ');
    const d = editDistance(typed, name);
    // Every word must be close: `osd set` is not a typo of `pg set`.
    const wordsClose = parts.every((p, i) => editDistance(words[i]!, p) <= tolerance(p) || (words[i]!.length >= 3 && p.startsWith(words[i]!)));
    if (!wordsClose) continue;
    // Prefer the longest id that matches (a command over its topic), then the closest.
    const score = d - parts.length * 2;
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

/** A word as it must be typed back into a POSIX shell (quoted only when it needs to be). */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
