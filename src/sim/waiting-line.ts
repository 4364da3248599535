// The waiting line in submission order. Started and rejected jobs leave holes that iteration
// skips and that are compacted away once they outnumber the live entries (amortised O(1)). Whether
// an entry is live is kept in the line (its stamp's sign), so skipping holes and compacting never
// read the jobs: with a million waiting, each is a cold object far from the last one touched.
//
// A job just submitted need not exist as an object while it waits (pushSubmitted): with a million
// waiting at t = 0, a `SimJob` each (with its boxed doubles) was about 130 B apiece, all of it old
// garbage once the job ended. Such an entry keeps what the job would hold (template, id, predicted
// run time, the finish-time-fairness mark) in the line's columns, and the `SimJob` is made the
// first time anything reads the entry (an iterator or since() reaching it): from then on the entry
// holds that object, so every reader sees one object per job, as before.
//
// A trace job need not even keep its template while it waits (a TraceJobTemplate and its name are
// about 180 B, a million at t = 0 in W2): given the table it is a row of, the entry keeps the table
// and the row, and the template is made again with the `SimJob` (the same fields and values).
import type { JobTemplate } from '../model/job.js';
import type { WaitingJobs } from '../policy/types.js';
import { SimJob } from './sim-job.js';

export class WaitingLine implements WaitingJobs {
  // Read by the line's iterators (below); nothing outside this file touches them.
  /**
   * Per entry its job, cleared once the entry is dead (left()): a started job is then held by the
   * running list alone and can be collected once it ends, not only when the line next compacts (a
   * million jobs queued at once kept every one started before the head passed half the line).
   */
  /** @internal */ items: (SimJob | JobTemplate | TemplateRows | undefined)[] = [];
  /**
   * Per entry, -1 when it holds its `SimJob` (or none: dead), else the id of the job not made yet,
   * whose template is in `items` and predicted run time and finish-time-fairness mark in the two
   * columns below (NaN for entries that hold their job, so the columns stay unboxed doubles).
   */
  /** @internal */ pendingIds: Float64Array;
  /** @internal */ pendingRuntimeS: Float64Array;
  /** @internal */ pendingContention: Float64Array;
  /** Per entry not made yet, the row of the table in `items` its template is made from, else -1 (the template is in `items`). */
  /** @internal */ pendingRows: Float64Array;
  /** Per item, the push stamp, negated once its job left the line (started or rejected: left()):
   * an entry is live only while its job is waiting with that stamp (a job preempted and re-queued
   * has a new entry, and its old one must not be seen twice). |stamps| ascend along the line. */
  /** @internal */ stamps: Float64Array;
  // The number columns are typed arrays as long as `items` or longer (entries past its length
  // are not read): a million jobs queued in one instant grew plain arrays by copies that, large,
  // sat in the old generation until a full collection; a typed array's old buffer goes with the
  // next young collection.
  /** Bumped by every compaction: an iterator that sees it change finds its place again by stamp. */
  /** @internal */ version = 0;
  private nextStamp = 1;
  private head = 0;
  private live = 0;

  /**
   * `expected`: how many jobs the run is expected to have; once the line outgrows GROW_TO_EXPECTED
   * entries the columns take room for that many at once (up to PRESIZE_MAX), as the run's samples
   * do. Grown by doubling from 64 all the way, a million jobs queued at t = 0 (W2) copied the five
   * columns twenty times and touched twice their final memory (a fresh page costs about 13 us to
   * fault in here). Room never written is never touched; but taken at the line's construction, it
   * was 40 MB of array buffers for a run of a million jobs whose line stays short (W1: a few
   * thousand entries at most), and V8 answered that much external memory at once with two forced
   * young collections and a full one at the run's start. The room is taken once: a line that
   * emptied gives it back at a compaction and grows by doubling from there.
   */
  /** `queueNames`: the tenant queues' names, given to the jobs the line makes (SimJob.account). */
  constructor(
    expected = 0,
    private readonly queueNames: readonly string[] | undefined = undefined,
  ) {
    this.expected = Math.max(INITIAL_CAPACITY, Math.min(PRESIZE_MAX, Math.ceil(expected)));
    this.stamps = new Float64Array(INITIAL_CAPACITY);
    this.pendingIds = new Float64Array(INITIAL_CAPACITY);
    this.pendingRuntimeS = new Float64Array(INITIAL_CAPACITY);
    this.pendingContention = new Float64Array(INITIAL_CAPACITY);
    this.pendingRows = new Float64Array(INITIAL_CAPACITY);
  }

  /** Room the columns take when the line first outgrows GROW_TO_EXPECTED entries (0 once taken). */
  private expected: number;

  /** The columns' next size for a line of `n` entries that fills them. */
  private grownCapacity(n: number): number {
    if (2 * n <= GROW_TO_EXPECTED || this.expected === 0) return 2 * n;
    const capacity = Math.max(2 * n, this.expected);
    this.expected = 0;
    return capacity;
  }

  get size(): number {
    return this.live;
  }

  push(job: SimJob): void {
    job.lineStamp = this.nextStamp++;
    const i = this.items.length;
    if (i === this.stamps.length) this.resize(this.grownCapacity(i));
    this.items.push(job);
    this.stamps[i] = job.lineStamp;
    this.pendingIds[i] = -1;
    this.pendingRuntimeS[i] = Number.NaN;
    this.pendingContention[i] = Number.NaN;
    this.pendingRows[i] = -1;
    this.live++;
  }

  /**
   * Queue a job that was just submitted, keeping its fields instead of the object: the `SimJob`
   * read back from the line is made from them (`job(i)`) and equals `job` as it is now. For a job
   * nothing else holds (the caller drops it): fresh, waiting, never started, no placement asked.
   * With `rows` and `row`, the entry keeps them instead of the template: `rows.template(row)` must
   * give a template equal to the job's (field by field), made anew when the job is read.
   */
  pushSubmitted(job: SimJob, rows?: TemplateRows, row?: number): void {
    if (job.state !== 'waiting' || job.run !== undefined || job.done !== undefined || SimJob.placeRequestIdOf(job) !== -1) {
      throw new Error(`internal: job '${job.name}' is not fresh from its submission`);
    }
    job.lineStamp = this.nextStamp;
    const i = this.items.length;
    if (i === this.stamps.length) this.resize(this.grownCapacity(i));
    if (rows !== undefined && row !== undefined && row >= 0) {
      this.items.push(rows);
      this.pendingRows[i] = row;
    } else {
      this.items.push(job.template);
      this.pendingRows[i] = -1;
    }
    this.stamps[i] = this.nextStamp++;
    this.pendingIds[i] = job.id;
    this.pendingRuntimeS[i] = job.predictedRuntimeS;
    this.pendingContention[i] = job.contentionAtSubmitJobS;
    this.live++;
  }

  /** The job of entry `i` (live or dead), made now if the entry kept its fields only. */
  /** @internal */ job(i: number): SimJob | undefined {
    const id = this.pendingIds[i]!;
    if (id < 0) return this.items[i] as SimJob | undefined;
    const row = this.pendingRows[i]!;
    const template = row >= 0 ? (this.items[i] as TemplateRows).template(row) : (this.items[i] as JobTemplate);
    const job = new SimJob(id, template, this.pendingRuntimeS[i]!, this.queueNames);
    job.contentionAtSubmitJobS = this.pendingContention[i]!;
    job.lineStamp = Math.abs(this.stamps[i]!);
    this.items[i] = job;
    this.pendingIds[i] = -1;
    this.pendingRuntimeS[i] = Number.NaN;
    this.pendingContention[i] = Number.NaN;
    this.pendingRows[i] = -1;
    return job;
  }

  /** Entries ever pushed (see WaitingJobs.pushes). */
  get pushes(): number {
    return this.nextStamp - 1;
  }

  /** Index of the first entry at or after the head whose stamp is above `stamp`. */
  /** @internal */ indexAfter(stamp: number): number {
    const stamps = this.stamps;
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Math.abs(stamps[mid]!) <= stamp) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The waiting jobs among the entries pushed after the first `mark`, in line order (stamps ascend along the line). */
  *since(mark: number): Generator<SimJob> {
    // Entries pushed from here on are not visited (as the iterator's).
    const endStamp = this.nextStamp;
    let version = this.version;
    let i = this.indexAfter(mark);
    let last = mark;
    for (;;) {
      if (version !== this.version) {
        i = this.indexAfter(last);
        version = this.version;
      }
      if (i >= this.items.length) return;
      const stamp = this.stamps[i]!;
      if (Math.abs(stamp) >= endStamp) return;
      if (stamp <= 0) {
        i++;
        continue;
      }
      const j = this.job(i++)!;
      if (j.state === 'waiting' && j.lineStamp === stamp) {
        last = stamp;
        yield j;
      }
    }
  }

  private isLive(i: number): boolean {
    return this.stamps[i]! > 0;
  }

  /** Call after `job`, waiting in the line, changed state away from 'waiting'. */
  left(job: SimJob): void {
    const i = this.entryOf(job.lineStamp);
    this.stamps[i] = -job.lineStamp;
    this.items[i] = undefined;
    this.live--;
    const items = this.items;
    while (this.head < items.length && !this.isLive(this.head)) this.head++;
    // Drop what lies before the head, and holes once they outnumber the live entries.
    const span = items.length - this.head;
    if (this.head > 1024 && this.head * 2 > items.length) this.compact();
    else if (span > 64 && this.live * 2 < span) this.compact();
  }

  /** Index of the live entry with `stamp` (the head's, as a rule: lines are mostly served in order). */
  private entryOf(stamp: number): number {
    const stamps = this.stamps;
    if (this.head < this.items.length && stamps[this.head] === stamp) return this.head;
    const i = this.indexAfter(stamp - 1);
    if (stamps[i] !== stamp) throw new Error(`internal: a job left the waiting line without a live entry there (stamp ${stamp})`);
    return i;
  }

  /**
   * In place: the live entries move to the front, in order, and the arrays are cut to them (no new
   * arrays: with a million waiting jobs each compaction copied them into arrays grown by push).
   * Iterators in progress see the version change and resume after the last job they gave.
   */
  private compact(): void {
    const items = this.items;
    const stamps = this.stamps;
    const ids = this.pendingIds;
    const runtimes = this.pendingRuntimeS;
    const contention = this.pendingContention;
    const rows = this.pendingRows;
    let n = 0;
    for (let i = this.head; i < items.length; i++) {
      if (this.isLive(i)) {
        items[n] = items[i];
        stamps[n] = stamps[i]!;
        ids[n] = ids[i]!;
        runtimes[n] = runtimes[i]!;
        contention[n] = contention[i]!;
        rows[n] = rows[i]!;
        n++;
      }
    }
    items.length = n;
    // A long line that emptied gives back most of its columns (a million entries are 32 MB).
    if (stamps.length > 4096 && 4 * n < stamps.length) this.resize(Math.max(INITIAL_CAPACITY, 2 * n));
    this.head = 0;
    this.version++;
  }

  /** The number columns with room for `capacity` entries (at least the line's), entries kept. */
  private resize(capacity: number): void {
    const n = this.items.length;
    const size = Math.max(capacity, n, INITIAL_CAPACITY);
    const move = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, n));
      return b;
    };
    this.stamps = move(this.stamps);
    this.pendingIds = move(this.pendingIds);
    this.pendingRuntimeS = move(this.pendingRuntimeS);
    this.pendingContention = move(this.pendingContention);
    this.pendingRows = move(this.pendingRows);
  }

  /**
   * The first waiting job whose entry was pushed before `endStamp` (a stamp from `pushes + 1`
   * taken when the walk began), or undefined: what a fresh iterator's first next() gives, for a
   * walk that starts the head and asks again (Simulation's head-of-line pass). The job is made
   * now if its entry kept its fields only.
   */
  first(endStamp: number): SimJob | undefined {
    const items = this.items;
    const stamps = this.stamps;
    for (let i = this.head; i < items.length; i++) {
      const stamp = stamps[i]!;
      if (Math.abs(stamp) >= endStamp) return undefined;
      if (stamp < 0) continue;
      const j = this.job(i)!;
      if (j.state === 'waiting' && j.lineStamp === stamp) return j;
    }
    return undefined;
  }

  /**
   * An iterator that has finished its walk (done, or closed by return(): a for-of left early), kept
   * for the next walk. A pass walked the line through a fresh iterator and a fresh result per job
   * given: with a pass per arrival and per completion, the largest allocation of W1's M/M/c run
   * (about 200 of its 830 B per job).
   */
  /** @internal */ spareIterator: LineIterator | undefined = undefined;

  /**
   * The waiting jobs in line order, through a plain iterator object (cheaper than a generator on
   * the pass's hot path). Jobs pushed during iteration are not visited this walk. The iterator and
   * its result objects are reused: a result holds its job until the next call of next(), and an
   * iterator is not to be used once it has said done or been closed (for-of, spreads and
   * Array.from read each result at once and stop at done; plug-ins get their views of the jobs
   * from a generator that walks the line with for-of: policy/guard-policies.ts).
   */
  [Symbol.iterator](): Iterator<SimJob> {
    const it = this.spareIterator;
    if (it === undefined) return new LineIterator(this, this.head, this.nextStamp);
    this.spareIterator = undefined;
    return it.restart(this.head, this.nextStamp);
  }
}

const INITIAL_CAPACITY = 64;
/** Up to this many entries the columns grow by doubling; beyond, they take the run's expected room at once (see the constructor). */
const GROW_TO_EXPECTED = 4096;
/** The most entries the columns take room for before any is pushed (16 MB a column). */
const PRESIZE_MAX = 1 << 21;

/** Where a waiting entry's template is made from (a trace's TraceJobTable): its row's, made anew each call. */
export interface TemplateRows {
  template(row: number): JobTemplate;
}

class LineIterator implements Iterator<SimJob> {
  private version: number;
  /** Stamp of the last job given (where to resume after a compaction). */
  private last = 0;
  /** The result next() gives for every job (its value replaced each call). */
  private readonly result: { value: SimJob; done: false } = { value: undefined as unknown as SimJob, done: false };
  /** Walking: not yet done or closed (only then is it given back to the line). */
  private walking = true;

  constructor(
    private readonly line: WaitingLine,
    private i: number,
    private endStamp: number,
  ) {
    this.version = line.version;
  }

  /** As made by `new LineIterator(line, i, endStamp)`, for the line's next walk. */
  restart(i: number, endStamp: number): this {
    this.i = i;
    this.endStamp = endStamp;
    this.version = this.line.version;
    this.last = 0;
    this.walking = true;
    return this;
  }

  /** Closed early (a for-of left by break, return or throw): the walk is over. */
  return(): IteratorResult<SimJob> {
    this.finish();
    return DONE;
  }

  /** The walk is over: hold no job, and go back to the line for its next walk. */
  private finish(): void {
    this.i = this.line.items.length;
    this.result.value = undefined as unknown as SimJob;
    if (!this.walking) return;
    this.walking = false;
    this.line.spareIterator = this;
  }

  next(): IteratorResult<SimJob> {
    const line = this.line;
    if (this.version !== line.version) {
      this.i = line.indexAfter(this.last);
      this.version = line.version;
    }
    const items = line.items;
    const stamps = line.stamps;
    while (this.i < items.length) {
      const i = this.i++;
      const stamp = stamps[i]!;
      if (Math.abs(stamp) >= this.endStamp) break;
      if (stamp < 0) continue;
      const j = line.job(i)!;
      if (j.state === 'waiting' && j.lineStamp === stamp) {
        this.last = stamp;
        const r = this.result;
        r.value = j;
        return r;
      }
    }
    this.finish();
    return DONE;
  }
}

/** The end of every iteration: one frozen result (a pass that ends its walk allocated one each time). */
const DONE: IteratorResult<SimJob> = Object.freeze({ value: undefined, done: true });
