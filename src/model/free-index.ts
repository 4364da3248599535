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
    const tree = this.tree;
    if (from >= this.size || tree[1]! < need) return -1;
    // Walk up from the leaf at `from` to the first subtree to its right (or itself) that can hold
    // `need`, then down to that subtree's leftmost qualifying leaf. O(log n), no recursion.
    let i = this.size + from;
    if (tree[i]! >= need) return from;
    for (;;) {
      // Climb while i is a right child or its right sibling cannot hold `need`.
      while ((i & 1) === 1 || tree[i + 1]! < need) {
        i >>= 1;
        if (i <= 1) return -1;
      }
      i = i + 1;
      break;
    }
    while (i < this.size) {
      i <<= 1;
      if (tree[i]! < need) i++;
    }
    return i - this.size;
  }
}
