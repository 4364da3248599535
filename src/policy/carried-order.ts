// A waiting line's sort order carried from one scheduling pass to the next: between passes the line
// only loses jobs and gains new ones at its end, and priorities rarely change order, so the last
// pass's order, with departed jobs dropped and new ones merged in, is usually already this pass's.

/**
 * Positions 0..n-1 of `line` in the order of `cmp`, written into `out` (length n) and returned.
 * `cmp` must be a total order on positions (ties only between entries that are the same job), so
 * every way of sorting gives the same answer. `prevLine[0..prevN)` and `prevOrder[0..prevN)` are
 * the last pass's line and its sorted order (positions in that line). The last order is matched to
 * this line (a previous entry is kept when it is next in line, in the same relative order), checked
 * with one comparison per kept entry, its ascending runs merged where priorities crossed, and then
 * merged with the sorted new entries; when it falls into many runs, or nothing is kept, the line is
 * sorted from scratch.
 *
 * A caller that knows the match (it built this line from the last one) passes it as `matched`:
 * `pos[k]` the position now of the last line's entry k (ascending), or -1 where it left, and
 * `kept` how many were kept (positions [0, kept) of this line); the line is then not compared.
 */
export function carriedOrder<T>(
  line: readonly T[],
  n: number,
  prevLine: readonly T[],
  prevN: number,
  prevOrder: Uint32Array,
  cmp: (a: number, b: number) => number,
  out: Uint32Array,
  matched?: { readonly pos: Int32Array; readonly kept: number },
): Uint32Array {
  // Position k of the last line is now at pos[k], or gone (-1).
  let pos: Int32Array;
  let kept: number; // positions [0, kept) were in the last line; [kept, n) are new (or moved)
  if (matched) {
    pos = matched.pos;
    kept = matched.kept;
  } else {
    let i = 0;
    if (scratchPos.length < prevN) scratchPos = new Int32Array(Math.max(prevN, 2 * scratchPos.length));
    pos = scratchPos;
    for (let k = 0; k < prevN; k++) pos[k] = i < n && line[i] === prevLine[k] ? i++ : -1;
    kept = i;
  }
  if (kept === 0) return fullSort(out, n, cmp);
  if (scratchOld.length < n) scratchOld = new Uint32Array(Math.max(n, 2 * scratchOld.length));
  const old = scratchOld;
  // The kept entries in the last order, cut into ascending runs where that order no longer holds
  // (priorities that crossed: an age factor reaching its cap, a fair-share factor moving).
  if (scratchRuns.length < kept + 1) scratchRuns = new Uint32Array(Math.max(kept + 1, 2 * scratchRuns.length));
  const runs = scratchRuns;
  let r = 0;
  let m = 0;
  for (let s = 0; s < prevN; s++) {
    const at = pos[prevOrder[s]!]!;
    if (at < 0) continue;
    if (m > 0 && cmp(old[m - 1]!, at) >= 0) {
      // As many runs as a sort from scratch would take in comparisons: sort from scratch.
      if (++r > kept >> 3) return fullSort(out, n, cmp);
      runs[r] = m;
    }
    old[m++] = at;
  }
  if (r > 0) mergeRuns(old, kept, runs, r + 1, cmp);
  // The new entries after the kept ones in the same scratch array, sorted there.
  const added = n - kept;
  for (let a = kept; a < n; a++) old[a] = a;
  if (added > 1) old.subarray(kept, n).sort(cmp);
  // Merge the two sorted runs: before each new entry, the kept entries that come before it (found
  // by a search, as many comparisons as a few new entries need, not one per kept entry) in one copy.
  let x = 0;
  let o = 0;
  for (let y = kept; y < n; y++) {
    const v = old[y]!;
    const e = firstNotBefore(old, x, kept, v, cmp, LESS);
    copyRange(old, x, e, out, o);
    o += e - x;
    x = e;
    out[o++] = v;
  }
  copyRange(old, x, kept, out, o);
  return out;
}

/** Scratch space for carriedOrder (a pass runs at every instant with jobs waiting): grown, never shrunk. */
let scratchPos = new Int32Array(0);
let scratchOld = new Uint32Array(0);
let scratchRuns = new Uint32Array(0);
let scratchMerge = new Uint32Array(0);

/** How an entry e of a run is before a fixed entry v: cmp(e, v) < 0, cmp(v, e) > 0, cmp(e, v) <= 0. */
const LESS = 0;
const GREATER_THAN_IT = 1;
const NOT_GREATER = 2;

function before(e: number, v: number, cmp: (a: number, b: number) => number, how: number): boolean {
  return how === LESS ? cmp(e, v) < 0 : how === GREATER_THAN_IT ? cmp(v, e) > 0 : cmp(e, v) <= 0;
}

/**
 * The first j in [from, to) where a[j] is not before v (`how`), given that it is before on a prefix
 * of the range and not after it (a[from..to) ascending): exponential steps from `from`, then a
 * binary search, so ~2 log2(distance) comparisons.
 */
function firstNotBefore(a: Uint32Array, from: number, to: number, v: number, cmp: (a: number, b: number) => number, how: number): number {
  let lo = from; // every j < lo is before
  let step = 1;
  let hi = from;
  while (hi < to && before(a[hi]!, v, cmp, how)) {
    lo = hi + 1;
    hi = from + step;
    step *= 2;
  }
  if (hi > to) hi = to;
  // Now a[j] is before for j < lo, and a[hi] is not (or hi = to).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(a[mid]!, v, cmp, how)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Sort a[0..n) in place, given that it is `count` ascending runs starting at runs[0] = 0, runs[1],
 * ..., runs[count - 1]: adjacent runs merged pairwise until one is left (at most about n log(count)
 * comparisons; far fewer where a run is short).
 */
function mergeRuns(a: Uint32Array, n: number, runs: Uint32Array, count: number, cmp: (a: number, b: number) => number): void {
  runs[0] = 0;
  if (scratchMerge.length < n) scratchMerge = new Uint32Array(Math.max(n, 2 * scratchMerge.length));
  let from: Uint32Array = a;
  let to: Uint32Array = scratchMerge;
  while (count > 1) {
    let k = 0;
    for (let i = 0; i < count; i += 2) {
      const lo = runs[i]!;
      const mid = i + 1 < count ? runs[i + 1]! : n;
      const hi = i + 2 < count ? runs[i + 2]! : n;
      mergeTwo(from, lo, mid, hi, to, cmp);
      runs[k++] = lo;
    }
    count = k;
    const t = from;
    from = to;
    to = t;
  }
  if (from !== a) a.set(from.subarray(0, n));
}

/**
 * from[lo..mid) and from[mid..hi), each ascending, merged into to[lo..hi): an entry of the left run
 * goes first on cmp <= 0. The shorter run's entries are placed one by one, each after a search for
 * the entries of the longer run that go before it, copied in one piece: a run of a few entries (the
 * jobs whose priority crossed others') costs a few searches, not a comparison per entry.
 */
function mergeTwo(from: Uint32Array, lo: number, mid: number, hi: number, to: Uint32Array, cmp: (a: number, b: number) => number): void {
  let o = lo;
  if (mid - lo <= hi - mid) {
    // Per left entry u: the right entries before it are those with cmp(u, r) > 0.
    let y = mid;
    for (let x = lo; x < mid; x++) {
      const u = from[x]!;
      const e = firstNotBefore(from, y, hi, u, cmp, GREATER_THAN_IT);
      copyRange(from, y, e, to, o);
      o += e - y;
      y = e;
      to[o++] = u;
    }
    copyRange(from, y, hi, to, o);
  } else {
    // Per right entry v: the left entries before it are those with cmp(l, v) <= 0.
    let x = lo;
    for (let y = mid; y < hi; y++) {
      const v = from[y]!;
      const e = firstNotBefore(from, x, mid, v, cmp, NOT_GREATER);
      copyRange(from, x, e, to, o);
      o += e - x;
      x = e;
      to[o++] = v;
    }
    copyRange(from, x, mid, to, o);
  }
}

/** a[from..end) into b at `at`: short ranges by a loop (a subarray view is an allocation), long ones in one copy. */
function copyRange(a: Uint32Array, from: number, end: number, b: Uint32Array, at: number): void {
  if (end - from > 32) b.set(a.subarray(from, end), at);
  else for (let i = from; i < end; i++) b[at++] = a[i]!;
}

function fullSort(out: Uint32Array, n: number, cmp: (a: number, b: number) => number): Uint32Array {
  for (let i = 0; i < n; i++) out[i] = i;
  return out.sort(cmp);
}
