// The waiting line in submission order. Started and rejected jobs leave holes that iteration
// skips and that are compacted away once they outnumber the live entries (amortised O(1)).
import type { WaitingJobs } from '../policy/types.js';
import type { SimJob } from './sim-job.js';

export class WaitingLine implements WaitingJobs {
  private items: SimJob[] = [];
  /** Per item, the push stamp; an entry is live only while its job is waiting with that stamp
   * (a job preempted and re-queued has a new entry, and its old one must not be seen twice). */
  private stamps: number[] = [];
  private nextStamp = 1;
  private head = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(job: SimJob): void {
    job.lineStamp = this.nextStamp++;
    this.items.push(job);
    this.stamps.push(job.lineStamp);
    this.live++;
  }

  /** Entries ever pushed (see WaitingJobs.pushes). */
  get pushes(): number {
    return this.nextStamp - 1;
  }

  /** The waiting jobs among the entries pushed after the first `mark`, in line order (stamps ascend along the line). */
  *since(mark: number): Generator<SimJob> {
    const items = this.items;
    const stamps = this.stamps;
    let lo = this.head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (stamps[mid]! <= mark) lo = mid + 1;
      else hi = mid;
    }
    const end = items.length;
    for (let i = lo; i < end; i++) {
      const j = items[i]!;
      if (j.state === 'waiting' && j.lineStamp === stamps[i]) yield j;
    }
  }

  private isLive(i: number): boolean {
    const j = this.items[i]!;
    return j.state === 'waiting' && j.lineStamp === this.stamps[i];
  }

  /** Call after a job in the line changed state away from 'waiting'. */
  left(): void {
    this.live--;
    const items = this.items;
    while (this.head < items.length && !this.isLive(this.head)) this.head++;
    // Drop what lies before the head, and holes once they outnumber the live entries.
    const span = items.length - this.head;
    if (this.head > 1024 && this.head * 2 > items.length) this.compact();
    else if (span > 64 && this.live * 2 < span) this.compact();
  }

  private compact(): void {
    const kept: SimJob[] = [];
    const stamps: number[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      if (this.isLive(i)) {
        kept.push(this.items[i]!);
        stamps.push(this.stamps[i]!);
      }
    }
    this.items = kept;
    this.stamps = stamps;
    this.head = 0;
  }

  [Symbol.iterator](): Iterator<SimJob> {
    // A plain iterator object (cheaper than a generator on the pass's hot path). Index loop over a
    // snapshot length: jobs pushed during iteration are not visited this pass.
    return new LineIterator(this.items, this.stamps, this.head);
  }
}

class LineIterator implements Iterator<SimJob> {
  private readonly end: number;
  constructor(
    private readonly items: readonly SimJob[],
    private readonly stamps: readonly number[],
    private i: number,
  ) {
    this.end = items.length;
  }

  next(): IteratorResult<SimJob> {
    const items = this.items;
    const stamps = this.stamps;
    while (this.i < this.end) {
      const i = this.i++;
      const j = items[i]!;
      if (j.state === 'waiting' && j.lineStamp === stamps[i]) return { value: j, done: false };
    }
    return { value: undefined, done: true };
  }
}
