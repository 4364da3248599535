// Order statistics over samples collected in a growable Float64Array.

/** Quantiles answered by selection before the samples are sorted once for all (each is O(n)). */
const SELECTIONS_BEFORE_SORT = 4;

export class Samples {
  private data = new Float64Array(1024);
  private n = 0;
  private sum = 0;
  private sorted = true;
  /** Any NaN among the samples (they sort last): quantiles then come from the sorted samples. */
  private hasNaN = false;
  /** The largest sample (+0 over -0), when none is NaN. */
  private top = Number.NaN;
  private selections = 0;

  add(x: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    if (this.n > 0 && x < this.data[this.n - 1]!) this.sorted = false;
    if (x !== x) this.hasNaN = true;
    else if (this.n === 0 || x > this.top || (x === 0 && this.top === 0 && 1 / x > 0)) this.top = x;
    this.data[this.n++] = x;
    this.sum += x;
  }

  get count(): number {
    return this.n;
  }

  mean(): number {
    return this.n === 0 ? Number.NaN : this.sum / this.n;
  }

  /** Quantile q in [0, 1], linear interpolation between order statistics (numpy's default). */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    const pos = q * (this.n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.n - 1);
    if (this.sorted || this.hasNaN || this.selections >= SELECTIONS_BEFORE_SORT) {
      const v = this.view();
      return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
    }
    // The two order statistics by selection, not a sort of all the samples (a summary asks for a
    // few quantiles of a million). The same values as sorted; a zero's sign may differ, which
    // cannot change the result: a + (b - a) x f is +0 whenever a and b are zeros.
    this.selections++;
    const v = this.data.subarray(0, this.n);
    selectInPlace(v, lo);
    const a = v[lo]!;
    let b = a;
    if (hi > lo) {
      b = v[hi]!;
      for (let i = hi + 1; i < v.length; i++) if (v[i]! < b) b = v[i]!;
    }
    return a + (b - a) * (pos - lo);
  }

  max(): number {
    if (this.n === 0) return Number.NaN;
    return this.hasNaN ? Number.NaN : this.top;
  }

  private view(): Float64Array {
    const v = this.data.subarray(0, this.n);
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    return v;
  }
}

/**
 * Reorder `a` (no NaN) so that a[k] holds the value it would hold sorted, smaller values before
 * it and larger ones after: quickselect with a median-of-three pivot and a three-way partition
 * (many equal samples, such as zero waits, end a round at once). After many rounds (an unlucky
 * input) the rest is sorted.
 */
export function selectInPlace(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  for (let round = 0; hi > lo; round++) {
    if (round > 64) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const x = a[lo]!;
    const y = a[(lo + hi) >>> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
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
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return;
  }
}
