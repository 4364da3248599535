// Min-heap of projected flow completions (timeS, flow, version) with lazy deletion: a rate
// change pushes a new entry and bumps the flow's version instead of searching the heap.

/**
 * Entries are ordered by (timeS, flow id). The heap does not know which entries are stale;
 * the owner checks the version on peek/pop and calls `compact` when stale entries pile up.
 */
export class CompletionHeap {
  private timesS: Float64Array;
  private flows: Int32Array;
  private versions: Int32Array;
  private n = 0;

  constructor(capacity = 1024) {
    this.timesS = new Float64Array(capacity);
    this.flows = new Int32Array(capacity);
    this.versions = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  topTimeS(): number {
    return this.timesS[0]!;
  }
  topFlow(): number {
    return this.flows[0]!;
  }
  topVersion(): number {
    return this.versions[0]!;
  }

  push(timeS: number, flow: number, version: number): void {
    if (this.n === this.timesS.length) this.grow();
    let i = this.n++;
    const t = this.timesS;
    const f = this.flows;
    const v = this.versions;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = t[p]!;
      if (tp < timeS || (!(tp > timeS) && f[p]! <= flow)) break;
      t[i] = tp;
      f[i] = f[p]!;
      v[i] = v[p]!;
      i = p;
    }
    t[i] = timeS;
    f[i] = flow;
    v[i] = version;
  }

  /** Remove the top entry (read it first with top*()). */
  pop(): void {
    const last = --this.n;
    if (last === 0) return;
    this.placeFromTop(this.timesS[last]!, this.flows[last]!, this.versions[last]!);
  }

  /** Keep only the entries for which `keep(flow, version)` holds, then re-heapify in O(n). */
  compact(keep: (flow: number, version: number) => boolean): void {
    const t = this.timesS;
    const f = this.flows;
    const v = this.versions;
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (!keep(f[i]!, v[i]!)) continue;
      t[m] = t[i]!;
      f[m] = f[i]!;
      v[m] = v[i]!;
      m++;
    }
    this.n = m;
    for (let i = (m >> 1) - 1; i >= 0; i--) this.siftDownAt(i);
  }

  private siftDownAt(i: number): void {
    const ti = this.timesS[i]!;
    const fi = this.flows[i]!;
    const vi = this.versions[i]!;
    this.placeFrom(i, ti, fi, vi);
  }

  private placeFromTop(timeS: number, flow: number, version: number): void {
    this.placeFrom(0, timeS, flow, version);
  }

  /** Sift the entry (timeS, flow, version) down from hole i. */
  private placeFrom(i: number, timeS: number, flow: number, version: number): void {
    const t = this.timesS;
    const f = this.flows;
    const v = this.versions;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n) {
        const tr = t[r]!;
        const tl = t[l]!;
        if (tr < tl || (!(tr > tl) && f[r]! < f[l]!)) c = r;
      }
      const tc = t[c]!;
      if (timeS < tc || (!(timeS > tc) && flow <= f[c]!)) break;
      t[i] = tc;
      f[i] = f[c]!;
      v[i] = v[c]!;
      i = c;
    }
    t[i] = timeS;
    f[i] = flow;
    v[i] = version;
  }

  private grow(): void {
    const c = this.timesS.length * 2;
    const t = new Float64Array(c);
    t.set(this.timesS);
    const f = new Int32Array(c);
    f.set(this.flows);
    const v = new Int32Array(c);
    v.set(this.versions);
    this.timesS = t;
    this.flows = f;
    this.versions = v;
  }
}
