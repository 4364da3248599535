// The engine's event queue: a binary min-heap of scheduled events by (time, sequence). The keys
// sit in typed arrays beside the events (struct of arrays), so a sift compares doubles in two
// contiguous arrays instead of loading each event object it passes (with tens of thousands of
// events pending, most of those loads missed the cache). The order is total (sequence numbers are
// distinct), so the events come out in the one order any correct heap gives.

/** What the heap orders: a time and a tie-breaking sequence number (distinct per event). */
export interface Timed {
  readonly timeS: number;
  readonly seq: number;
}

const INITIAL_CAPACITY = 256;

export class EventHeap<T extends Timed> {
  private items: (T | undefined)[] = [];
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private n = 0;

  size(): number {
    return this.n;
  }

  /** The earliest event, or undefined when empty. */
  top(): T | undefined {
    return this.n === 0 ? undefined : this.items[0];
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }

  push(ev: T): void {
    if (this.n === this.times.length) this.grow();
    const a = this.items;
    const times = this.times;
    const seqs = this.seqs;
    let i = this.n++;
    if (i === a.length) a.push(ev); // keeps the array packed; the slot is written below
    // Sift up: move the hole to where ev belongs, parents down into it.
    const t = ev.timeS;
    const s = ev.seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < t || (pt === t && seqs[parent]! < s)) break;
      a[i] = a[parent];
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      i = parent;
    }
    a[i] = ev;
    times[i] = t;
    seqs[i] = s;
  }

  /** Remove and return the earliest event, or undefined when empty. */
  pop(): T | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const a = this.items;
    const top = a[0]!;
    const m = n - 1;
    this.n = m;
    const last = a[m]!;
    a[m] = undefined; // the heap keeps no event it has given back
    if (m === 0) return top;
    // Sift down the last element from the root.
    const times = this.times;
    const seqs = this.seqs;
    const t = times[m]!;
    const s = seqs[m]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= m) break;
      let ct = times[child]!;
      const right = child + 1;
      if (right < m) {
        const rt = times[right]!;
        if (rt < ct || (rt === ct && seqs[right]! < seqs[child]!)) {
          child = right;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < seqs[child]!)) break;
      a[i] = a[child];
      times[i] = ct;
      seqs[i] = seqs[child]!;
      i = child;
    }
    a[i] = last;
    times[i] = t;
    seqs[i] = s;
    return top;
  }
}
