// Did-you-mean suggestions for misspelt names (scenario keys, device kinds, fabrics, policies), so
// every error message in poolsim suggests a correction the same way.

/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form: insertions, deletions,
 * substitutions and transpositions of two adjacent characters each cost 1. The restricted form is
 * enough for typos ('H10O', 'Infiniband' vs 'InifniBand') and needs only three rows of memory.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      cur[j] = d;
    }
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `name` (compared case-insensitively), or undefined when none is close
 * enough to be a typo rather than a random guess: within max(2, floor(name.length / 3)) edits, and
 * alike in more than 40% of its characters, (L - edits) / L > 0.4 with L the longer of the two
 * lengths. The second test is commander's (suggestSimilar: Damerau-Levenshtein, similarity > 0.4);
 * without it a short name was always within 2 edits of some short candidate: the unknown kind `v1`,
 * `x` or `ib` was answered "did you mean 'T4'?", with nothing in common. Ties go to the earlier
 * candidate, so callers control the order and the answer is deterministic.
 */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  const thresholdEdits = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestEdits = Infinity;
  for (const candidate of candidates) {
    const edits = editDistance(wanted, candidate.toLowerCase());
    if (edits >= bestEdits || edits > thresholdEdits) continue;
    const longer = Math.max(wanted.length, candidate.length);
    if ((longer - edits) / longer <= MIN_SIMILARITY) continue;
    best = candidate;
    bestEdits = edits;
  }
  return best;
}

/** The share of characters two names must have in common for one to be suggested for the other (commander's minSimilarity). */
const MIN_SIMILARITY = 0.4;

/** Case-, space-, '-', '_' and '.'-insensitive form used to match names and aliases (device kinds, fabrics). */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s\-_.]/g, '');
}
