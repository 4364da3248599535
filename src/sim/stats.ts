// Order statistics over samples collected in a growable Float64Array.

export class Samples {
  private data = new Float64Array(1024);
  private n = 0;
  private sum = 0;
  private sorted = true;

  add(x: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    if (this.n > 0 && x < this.data[this.n - 1]!) this.sorted = false;
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
    const v = this.view();
    const pos = q * (this.n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.n - 1);
    return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
  }

  max(): number {
    return this.n === 0 ? Number.NaN : this.view()[this.n - 1]!;
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
