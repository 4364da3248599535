// The engine's event queue: a binary min-heap of scheduled events by (time, sequence), compared
// inline rather than through a comparator closure (every event is pushed and popped once, and the
// comparison is most of the work). The order is total (sequence numbers are distinct), so the
// events come out in the one order any correct heap gives.

/** What the heap orders: a time and a tie-breaking sequence number (distinct per event). */
export interface Timed {
  readonly timeS: number;
  readonly seq: number;
}

export class EventHeap<T extends Timed> {
  private items: T[] = [];

  size(): number {
    return this.items.length;
  }

  /** The earliest event, or undefined when empty. */
  top(): T | undefined {
    return this.items[0];
  }

  push(ev: T): void {
    const a = this.items;
    let i = a.length;
    a.push(ev);
    // Sift up: move the hole to where ev belongs, parents down into it.
    const t = ev.timeS;
    const s = ev.seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent]!;
      if (p.timeS < t || (p.timeS === t && p.seq < s)) break;
      a[i] = p;
      i = parent;
    }
    a[i] = ev;
  }

  /** Remove and return the earliest event, or undefined when empty. */
  pop(): T | undefined {
    const a = this.items;
    const n = a.length;
    if (n === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (n === 1) return top;
    // Sift down the last element from the root.
    const m = n - 1;
    const t = last.timeS;
    const s = last.seq;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= m) break;
      let c = a[child]!;
      const right = child + 1;
      if (right < m) {
        const r = a[right]!;
        if (r.timeS < c.timeS || (r.timeS === c.timeS && r.seq < c.seq)) {
          child = right;
          c = r;
        }
      }
      if (t < c.timeS || (t === c.timeS && s < c.seq)) break;
      a[i] = c;
      i = child;
    }
    a[i] = last;
    return top;
  }
}
