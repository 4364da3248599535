// A max segment tree over the free device counts of one kind's nodes, so that first-fit finds
// "the leftmost node with at least k free devices" in O(log nodes) instead of scanning the pool.

export class FreeIndex {
  private readonly size: number;
  private readonly tree: Int32Array;

  /** `free[i]` is the free count of the i-th node of this kind (positions, not node ids). */
  constructor(free: ArrayLike<number>) {
    let size = 1;
    while (size < Math.max(1, free.length)) size <<= 1;
    this.size = size;
    this.tree = new Int32Array(2 * size).fill(-1);
    for (let i = 0; i < free.length; i++) this.tree[size + i] = free[i]!;
    for (let i = size - 1; i >= 1; i--) this.tree[i] = Math.max(this.tree[2 * i]!, this.tree[2 * i + 1]!);
  }

  set(pos: number, free: number): void {
    let i = this.size + pos;
    this.tree[i] = free;
    for (i >>= 1; i >= 1; i >>= 1) {
      const m = Math.max(this.tree[2 * i]!, this.tree[2 * i + 1]!);
      if (this.tree[i] === m) break;
      this.tree[i] = m;
    }
  }

  /** Largest free count anywhere. */
  max(): number {
    return this.tree[1]!;
  }

  /** Leftmost position >= from whose free count is >= need, or -1. */
  leftmost(need: number, from = 0): number {
    if (from >= this.size || this.tree[1]! < need) return -1;
    return this.search(1, 0, this.size, need, from);
  }

  private search(node: number, lo: number, hi: number, need: number, from: number): number {
    if (hi <= from || this.tree[node]! < need) return -1;
    if (hi - lo === 1) return lo;
    const mid = (lo + hi) >> 1;
    const left = this.search(2 * node, lo, mid, need, from);
    return left !== -1 ? left : this.search(2 * node + 1, mid, hi, need, from);
  }
}
