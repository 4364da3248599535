// A max segment tree over the free device counts of one kind's nodes, so that first-fit finds
// "the leftmost node with at least k free devices" in O(log nodes) instead of scanning the pool;
// each subtree also keeps which free counts occur below it, so best-fit's "the tightest node that
// holds k" is O(log nodes) too.

/** A subtree's mask bit for a free count: bit f for f < 31, bit 31 for 31 and more (counts there are told apart by a walk). */
const bitOf = (free: number): number => (free < 0 ? 0 : 1 << Math.min(free, 31));

/** leftmostMany's stack of subtrees still to visit (one per tree level at most; 32 levels). */
const COLLECT_STACK = new Int32Array(64);

export class FreeIndex {
  private readonly size: number;
  private readonly tree: Int32Array;
  /** Per tree node: the free counts present in its subtree (bitOf), 0 for padding. */
  private readonly masks: Int32Array;

  /** `free[i]` is the free count of the i-th node of this kind (positions, not node ids). */
  constructor(free: ArrayLike<number>) {
    let size = 1;
    while (size < Math.max(1, free.length)) size <<= 1;
    this.size = size;
    this.tree = new Int32Array(2 * size).fill(-1);
    this.masks = new Int32Array(2 * size);
    for (let i = 0; i < free.length; i++) {
      this.tree[size + i] = free[i]!;
      this.masks[size + i] = bitOf(free[i]!);
    }
    for (let i = size - 1; i >= 1; i--) {
      this.tree[i] = Math.max(this.tree[2 * i]!, this.tree[2 * i + 1]!);
      this.masks[i] = this.masks[2 * i]! | this.masks[2 * i + 1]!;
    }
  }

  set(pos: number, free: number): void {
    const tree = this.tree;
    const masks = this.masks;
    let i = this.size + pos;
    tree[i] = free;
    masks[i] = bitOf(free);
    for (i >>= 1; i >= 1; i >>= 1) {
      const m = Math.max(tree[2 * i]!, tree[2 * i + 1]!);
      const k = masks[2 * i]! | masks[2 * i + 1]!;
      if (tree[i] === m && masks[i] === k) break;
      tree[i] = m;
      masks[i] = k;
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

  /**
   * The first `count` positions (leftmost first) whose free count is >= need, written to
   * out[at ..]; returns how many were found (fewer than `count` when fewer qualify). The same
   * positions as `count` calls of leftmost(need, previous + 1), in one walk: O(count + log n)
   * subtrees visited rather than count x log n.
   */
  leftmostMany(need: number, count: number, out: number[], at = 0): number {
    if (count <= 0 || this.tree[1]! < need) return 0;
    return this.collect(1, need, count, out, at) - at;
  }

  private collect(i: number, need: number, count: number, out: number[], at: number): number {
    const tree = this.tree;
    const end = at + count;
    // Descend to the leftmost qualifying leaf of subtree i, keeping the right siblings still to
    // visit on the way (at most one per level) in a small stack.
    const stack = COLLECT_STACK;
    let top = 0;
    stack[top++] = i;
    while (top > 0 && at < end) {
      let j = stack[--top]!;
      if (tree[j]! < need) continue;
      while (j < this.size) {
        j <<= 1;
        if (tree[j]! >= need) {
          if (tree[j + 1]! >= need) stack[top++] = j + 1;
        } else j++;
      }
      out[at++] = j - this.size;
    }
    return at;
  }

  /**
   * The position with the fewest free devices that still holds `need` (the leftmost of those), or
   * -1: the smallest free count >= need present at the root, then down to its leftmost leaf.
   */
  tightest(need: number): number {
    const tree = this.tree;
    if (tree[1]! < need) return -1;
    const masks = this.masks;
    const at = need <= 0 ? masks[1]! : need >= 31 ? 0 : masks[1]! & ~((1 << need) - 1);
    const low = at & -at;
    if (low === 0 || low === 1 << 31) return this.tightestByWalk(need);
    let i = 1;
    while (i < this.size) {
      i <<= 1;
      if ((masks[i]! & low) === 0) i++;
    }
    return i - this.size;
  }

  /** tightest() by visiting every position that holds `need` (free counts of 31 and more share a mask bit). */
  private tightestByWalk(need: number): number {
    let best = -1;
    let bestFree = Infinity;
    for (let pos = this.leftmost(need); pos !== -1; pos = this.leftmost(need, pos + 1)) {
      const free = this.tree[this.size + pos]!;
      if (free < bestFree) {
        best = pos;
        bestFree = free;
        if (free === need) break;
      }
    }
    return best;
  }
}
