// Indexed binary min-heap over dense integer ids with float keys: the water-filling solver's
// priority queue of links (and of capped flows). Typed arrays, no allocation after growth.

/**
 * Min-heap of ids in [0, capacity) ordered by (key, id). Each id is present at most once;
 * `update` moves it in either direction. Ties break on the id, so pops are deterministic.
 */
export class IndexedMinHeap {
  private heapIds: Int32Array;
  private keys: Float64Array;
  /** Position of each id in heapIds, or -1 when absent. */
  private pos: Int32Array;
  private n = 0;

  constructor(capacity = 16) {
    const c = Math.max(1, capacity);
    this.heapIds = new Int32Array(c);
    this.keys = new Float64Array(c);
    this.pos = new Int32Array(c).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  /** Make room for ids below `capacity`. */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.pos.length) return;
    let c = this.pos.length;
    while (c < capacity) c *= 2;
    const ids = new Int32Array(c);
    ids.set(this.heapIds);
    const keys = new Float64Array(c);
    keys.set(this.keys);
    const pos = new Int32Array(c).fill(-1);
    pos.set(this.pos);
    this.heapIds = ids;
    this.keys = keys;
    this.pos = pos;
  }

  has(id: number): boolean {
    return this.pos[id]! >= 0;
  }

  /** Empty the heap in O(size), not O(capacity). */
  clear(): void {
    for (let i = 0; i < this.n; i++) this.pos[this.heapIds[i]!] = -1;
    this.n = 0;
  }

  push(id: number, key: number): void {
    this.keys[id] = key;
    const i = this.n++;
    this.heapIds[i] = id;
    this.pos[id] = i;
    this.siftUp(i);
  }

  update(id: number, key: number): void {
    const i = this.pos[id]!;
    const old = this.keys[id]!;
    this.keys[id] = key;
    if (key < old) this.siftUp(i);
    else this.siftDown(i);
  }

  remove(id: number): void {
    const i = this.pos[id]!;
    if (i < 0) return;
    this.pos[id] = -1;
    const last = --this.n;
    if (i === last) return;
    const moved = this.heapIds[last]!;
    this.heapIds[i] = moved;
    this.pos[moved] = i;
    this.siftUp(i);
    this.siftDown(this.pos[moved]!);
  }

  peekId(): number {
    return this.heapIds[0]!;
  }

  peekKey(): number {
    return this.n > 0 ? this.keys[this.heapIds[0]!]! : Infinity;
  }

  pop(): number {
    const top = this.heapIds[0]!;
    this.remove(top);
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (!(ka > kb) && a < b);
  }

  private siftUp(i: number): void {
    const ids = this.heapIds;
    const pos = this.pos;
    const id = ids[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pid = ids[p]!;
      if (!this.less(id, pid)) break;
      ids[i] = pid;
      pos[pid] = i;
      i = p;
    }
    ids[i] = id;
    pos[id] = i;
  }

  private siftDown(i: number): void {
    const ids = this.heapIds;
    const pos = this.pos;
    const n = this.n;
    const id = ids[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.less(ids[r]!, ids[l]!)) c = r;
      const cid = ids[c]!;
      if (!this.less(cid, id)) break;
      ids[i] = cid;
      pos[cid] = i;
      i = c;
    }
    ids[i] = id;
    pos[id] = i;
  }
}
