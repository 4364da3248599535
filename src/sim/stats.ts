// Order statistics over samples collected in a growable Float64Array.

/** Quantiles answered by selection before the samples are sorted once for all (each is O(n)). */
const SELECTIONS_BEFORE_SORT = 4;

/** Samples' room at first, and the most taken at once for the samples expected (16 MB). */
const MIN_CAPACITY = 1024;
const PRESIZE_MAX = 1 << 21;

/**
 * Samples kept for their quantiles. `add` only stores the value and sums it (a run adds one per
 * job, a million or more); whether the samples are in order, any NaN and the largest are found by
 * a scan of the samples added since the last question (`scan`), the same answers as tracking them
 * on every add.
 *
 * Samples equal to +0 are counted, not stored: a queueing delay is +0 for every job or request
 * that starts as it arrives (69% of W1's million customers), and storing each cost a write to
 * fresh memory and a place in every selection. The sorted samples are the stored ones below +0
 * (negatives and -0, which a Float64Array sort puts before +0), then the zeros, then the rest
 * (positives, then NaN): an order statistic of all of them is one of the stored ones, or +0.
 */
export class Samples {
  private data: Float64Array;
  /** Samples stored in `data` (every one but the +0s). */
  private n = 0;
  /** Samples equal to +0, counted only. */
  private zeros = 0;
  /** Stored samples that sort before +0: negatives and -0. */
  private below = 0;
  private sum = 0;
  /** Samples [0, scanned) are reflected in sorted, hasNaN and top. */
  private scanned = 0;
  private sorted = true;
  /** Any NaN among the samples (they sort last): quantiles then come from the sorted samples. */
  private hasNaN = false;
  /** The largest sample (+0 over -0), when none is NaN. */
  private top = Number.NaN;
  private selections = 0;
  /**
   * Indices that selection has put in their sorted place, ascending, while the samples are those it
   * ordered (fixedFor = n): every sample before such an index is no larger than the one there, every
   * sample after it no smaller. A later quantile selects only between the nearest two (a summary's
   * p50, p95 and p99 of a million samples partitioned all of them three times).
   */
  private readonly fixed: number[] = [];
  private fixedFor = -1;

  /**
   * `expected`: how many samples the caller expects (a run's jobs), room for which is taken at once
   * (up to PRESIZE_MAX). Grown by doubling from 1,024, a million samples touched twice their final
   * memory (each larger array is fresh memory, and on this project's machines a fresh page costs
   * about 15 us to fault in: W1's two million-sample arrays were 8,000 of its 16,000 page faults).
   * Room never written is never touched.
   */
  constructor(expected = 0) {
    this.data = new Float64Array(Math.max(MIN_CAPACITY, Math.min(PRESIZE_MAX, Math.ceil(expected))));
  }

  add(x: number): void {
    this.sum += x;
    if (x === 0) {
      if (1 / x > 0) {
        this.zeros++;
        return;
      }
      this.below++; // -0
    } else if (x < 0) this.below++;
    if (this.n === this.data.length) this.grow();
    this.data[this.n++] = x;
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }

  /**
   * Bring sorted, hasNaN and top up to the samples added since the last scan. A sample out of order
   * is one below the sample before it as that stood when it was scanned (a sort or selection in
   * between only reorders samples already scanned, and a sort leaves them in order), as when it
   * was checked on add; and a number after a NaN, which the check on add missed (a NaN then a
   * smaller number passed for sorted, and a quantile read the NaN where the sorted samples have
   * the number).
   */
  private scan(): void {
    const d = this.data;
    const n = this.n;
    let top = this.top;
    for (let i = this.scanned; i < n; i++) {
      const x = d[i]!;
      // Out of order: below the sample before it, or a number after a NaN (NaN sorts last).
      if (i > 0) {
        const prev = d[i - 1]!;
        if (x < prev || (prev !== prev && x === x)) this.sorted = false;
      }
      if (x !== x) this.hasNaN = true;
      else if (i === 0 || x > top || (x === 0 && top === 0 && 1 / x > 0)) top = x;
    }
    this.top = top;
    this.scanned = n;
  }

  get count(): number {
    return this.n + this.zeros;
  }

  mean(): number {
    const count = this.n + this.zeros;
    return count === 0 ? Number.NaN : this.sum / count;
  }

  /** Quantile q in [0, 1], linear interpolation between order statistics (numpy's default). */
  quantile(q: number): number {
    const count = this.n + this.zeros;
    if (count === 0) return Number.NaN;
    const pos = q * (count - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, count - 1);
    this.scan();
    // The two order statistics by selection, not a sort of all the samples (a summary asks for a
    // few quantiles of a million); after a few, by sorting once. The same values as sorted; a
    // zero's sign may differ, which cannot change the result: a + (b - a) x f is +0 whenever a
    // and b are zeros, and a zero's sign does not change b - a or the sum otherwise.
    const sorted = this.sorted || this.hasNaN || this.selections >= SELECTIONS_BEFORE_SORT;
    if (!sorted) this.selections++;
    const a = this.orderStatistic(lo, sorted, hi > lo);
    const b = hi > lo ? this.following : a;
    return a + (b - a) * (pos - lo);
  }

  /** The sample of rank r + 1 when orderStatistic(r, ..., true) was last asked. */
  private following = Number.NaN;

  /**
   * The sample of rank `r` (from 0) among all the samples, +0s included, as sorted; `next`: the
   * one of rank r + 1 too, into `following`. From the sorted stored samples (`sorted`: view() sorts
   * them if they are not), or by selection.
   */
  private orderStatistic(r: number, sorted: boolean, next: boolean): number {
    const zerosFrom = this.below;
    const zerosTo = this.below + this.zeros;
    if (r >= zerosFrom && r < zerosTo) {
      if (next) this.following = r + 1 < zerosTo ? 0 : this.orderStatistic(r + 1, sorted, false);
      return 0;
    }
    // The stored sample's rank: the zeros sort after the stored samples below them.
    const k = r < zerosFrom ? r : r - this.zeros;
    // Rank r + 1 is a zero when r is the last stored rank below them (then the stored k + 1 is not next).
    const nextIsZero = next && r + 1 === zerosFrom && this.zeros > 0;
    if (sorted) {
      const v = this.view();
      if (next) this.following = nextIsZero ? 0 : v[k + 1]!;
      return v[k]!;
    }
    const v = this.data.subarray(0, this.n);
    const fixed = this.fixed;
    if (this.fixedFor !== this.n) {
      fixed.length = 0;
      this.fixedFor = this.n;
    }
    // The known places around k: selection need look only between them.
    let at = 0;
    while (at < fixed.length && fixed[at]! < k) at++;
    const below = at > 0 ? fixed[at - 1]! : -1;
    const known = at < fixed.length && fixed[at] === k;
    if (!known) {
      selectInPlace(v, k, below + 1, at < fixed.length ? fixed[at]! - 1 : this.n - 1);
      fixed.splice(at, 0, k);
    }
    const a = v[k]!;
    if (next) {
      if (nextIsZero) this.following = 0;
      else {
        // The smallest sample after k: up to the next known place, whose sample is no larger than any after it.
        const until = at + 1 < fixed.length ? fixed[at + 1]! : this.n;
        let b = until < this.n ? v[until]! : v[k + 1]!;
        for (let i = k + 1; i < until; i++) if (v[i]! < b) b = v[i]!;
        this.following = b;
      }
    }
    return a;
  }
  max(): number {
    if (this.n + this.zeros === 0) return Number.NaN;
    this.scan();
    if (this.hasNaN) return Number.NaN;
    // +0 over any stored sample that is not above it (negatives, -0).
    return this.zeros > 0 && (this.n === 0 || !(this.top > 0)) ? 0 : this.top;
  }

  private view(): Float64Array {
    this.scan();
    const v = this.data.subarray(0, this.n);
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    return v;
  }
}

/**
 * The count, mean and largest of samples whose quantiles nobody asks for (each job's finish-time
 * fairness, a tenant's JCT): the same mean and max as Samples, with nothing stored per sample.
 */
export class Moments {
  private n = 0;
  private sum = 0;
  private hasNaN = false;
  /** The largest sample (+0 over -0), when none is NaN. */
  private top = Number.NaN;

  add(x: number): void {
    if (x !== x) this.hasNaN = true;
    else if (this.n === 0 || x > this.top || (x === 0 && this.top === 0 && 1 / x > 0)) this.top = x;
    this.n++;
    this.sum += x;
  }

  get count(): number {
    return this.n;
  }

  mean(): number {
    return this.n === 0 ? Number.NaN : this.sum / this.n;
  }

  max(): number {
    if (this.n === 0) return Number.NaN;
    return this.hasNaN ? Number.NaN : this.top;
  }
}

/**
 * Reorder `a` (no NaN) so that a[k] holds the value it would hold sorted, smaller values before
 * it and larger ones after: quickselect with a median-of-three pivot and a three-way partition
 * (many equal samples, such as zero waits, end a round at once). After many rounds (an unlucky
 * input) the rest is sorted. Only a[from .. to] is reordered, and it must hold a[k]'s sorted
 * value: the samples before `from` no larger than any in it, those after `to` no smaller.
 */
export function selectInPlace(a: Float64Array, k: number, from = 0, to = a.length - 1): void {
  pick[0] = 0x9e3779b9;
  partitioned = 0;
  let lo = from;
  let hi = to;
  for (let round = 0; hi > lo; round++) {
    if (round > 64) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    // The median of three entries at pseudo-random places (a fixed sequence: the answer is the
    // order statistic whatever the pivots, so it is deterministic either way). The first, middle
    // and last entries were used before: on samples nearly in order (job completion times) each
    // partition left the next range ordered so that they were near its ends, and a million samples
    // took 64 rounds of almost a full pass each before the fallback sort.
    const n = hi - lo + 1;
    const x = a[lo + nextIndex(n)]!;
    const y = a[lo + nextIndex(n)]!;
    const z = a[lo + nextIndex(n)]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    partition(a, lo, hi, pivot);
    const lt = bounds[0]!;
    const gt = bounds[1]!;
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return;
  }
}

/** Samples the last selectInPlace partitioned, rounds summed (its work; for tests). */
let partitioned = 0;

/** @internal How many samples the last selection partitioned, summed over its rounds. */
export function lastSelectionWork(): number {
  return partitioned;
}

/** xorshift32 state for the pivots' places. */
const pick = new Int32Array(1);

/** A place in [0, n) from the xorshift32 sequence (n < 2^32). */
function nextIndex(n: number): number {
  let x = pick[0]!;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  pick[0] = x;
  return (x >>> 0) % n;
}

/** partition's answer: the first index equal to the pivot, and the last. */
const bounds = new Int32Array(2);

/**
 * Three-way partition of a[lo .. hi] around `pivot`: smaller values first, then the equal ones
 * (a[bounds[0] .. bounds[1]]), then larger. A function of its own so that V8 optimizes the loop
 * with the code after it already seen: inlined in selectInPlace, the loop was compiled on stack
 * replacement before the code after it had run, which then deoptimized it, three times over, and a
 * million samples were partitioned in the interpreter for most of a second.
 */
function partition(a: Float64Array, lo: number, hi: number, pivot: number): void {
  partitioned += hi - lo + 1;
  let lt = lo;
  let i = lo;
  let gt = hi;
  while (i <= gt) {
    const v = a[i]!;
    if (v < pivot) {
      a[i] = a[lt]!;
      a[lt] = v;
      lt++;
      i++;
    } else if (v > pivot) {
      a[i] = a[gt]!;
      a[gt] = v;
      gt--;
    } else i++;
  }
  bounds[0] = lt;
  bounds[1] = gt;
}
