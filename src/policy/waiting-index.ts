// The waiting jobs of an ordering policy, kept in the policy's order across passes instead of
// re-sorted on each, and grouped by shape (devices, share, allowed kinds) and class (queue,
// priority) so that a pass can skip whole groups that cannot start or preempt now.
import type { ClusterView, JobView, SchedulingContext, WaitingJobs } from './types.js';

/** One stay of a job in the waiting line (a re-queued job gets a new entry). */
export interface WaitingEntry {
  readonly job: JobView;
  /** The policy's sort key within a class, fixed while the job waits (ties: submission order). */
  readonly key: number;
  /** Push order among entries (the waiting line's own order). */
  readonly seq: number;
  /** False once the job has left the line (started, or found not waiting). */
  live: boolean;
  group: WaitingGroup;
}

/** Waiting jobs of one class and one shape, in the policy's order. */
export interface WaitingGroup {
  /** Class: lower ranks go first (a LAS queue, minus a priority). */
  readonly rank: number;
  readonly devices: number;
  readonly milli: number;
  readonly kinds: readonly number[] | undefined;
  entries: WaitingEntry[];
  /** Entries before this index are all dead. */
  head: number;
  dead: number;
}

/** The order of entries in one class: key, then submission (time, id), then push order. */
export function entryBefore(a: WaitingEntry, b: WaitingEntry): boolean {
  return (a.key - b.key || a.job.submitS - b.job.submitS || a.job.id - b.job.id || a.seq - b.seq) < 0;
}

/** The optional incremental view of the waiting line (see WaitingJobs). */
type IncrementalLine = WaitingJobs & { readonly pushes: number; since(mark: number): Iterable<JobView> };

const isIncremental = (w: WaitingJobs): w is IncrementalLine => typeof w.pushes === 'number' && typeof w.since === 'function';

export class WaitingIndex {
  private line: WaitingJobs | undefined;
  private mark = 0;
  private seq = 0;
  /** The live entry of each job known to wait. */
  private readonly entryOf = new Map<JobView, WaitingEntry>();
  private readonly groups = new Map<string, WaitingGroup>();
  /** Groups by rank, ranks ascending; rebuilt when a group is added. */
  private ranks: { rank: number; groups: WaitingGroup[] }[] = [];
  private ranksStale = false;

  /**
   * `key` and `rank` are read once, when a job joins the line (`rank` again by `move`); they must
   * not change while it waits. Without `key`, entries keep the waiting line's order.
   */
  constructor(
    private readonly rank: (job: JobView) => number,
    private readonly key?: (job: JobView) => number,
  ) {}

  /** The live entry of a waiting job. */
  entry(job: JobView): WaitingEntry | undefined {
    return this.entryOf.get(job);
  }

  /** The jobs waiting, in no particular order. */
  jobs(): IterableIterator<JobView> {
    return this.entryOf.keys();
  }

  get size(): number {
    return this.entryOf.size;
  }

  /**
   * Take in the jobs that joined the line since the last call, in the line's order; returns them.
   * A new simulation (another waiting line) starts the index afresh.
   */
  update(ctx: SchedulingContext): WaitingEntry[] {
    const line = ctx.waiting;
    if (line !== this.line) this.reset(line);
    const added: WaitingEntry[] = [];
    const take = (job: JobView): void => {
      if (job.state !== 'waiting' || this.entryOf.has(job)) return;
      added.push(this.insert(job));
    };
    if (isIncremental(line)) {
      for (const job of line.since(this.mark)) take(job);
      this.mark = line.pushes;
    } else {
      for (const job of line) take(job);
    }
    return added;
  }

  private reset(line: WaitingJobs): void {
    this.line = line;
    this.mark = 0;
    this.seq = 0;
    this.entryOf.clear();
    this.groups.clear();
    this.ranks = [];
    this.ranksStale = false;
  }

  private insert(job: JobView): WaitingEntry {
    const seq = this.seq++;
    const e: WaitingEntry = { job, key: this.key ? this.key(job) : seq, seq, live: true, group: undefined as unknown as WaitingGroup };
    this.entryOf.set(job, e);
    this.place(e, this.rank(job));
    return e;
  }

  private place(e: WaitingEntry, rank: number): void {
    const job = e.job;
    const kinds = job.allowedKinds;
    const id = `${rank}|${job.devices}|${job.milli}|${kinds ? kinds.join(',') : '*'}`;
    let g = this.groups.get(id);
    if (!g) {
      g = { rank, devices: job.devices, milli: job.milli, kinds, entries: [], head: 0, dead: 0 };
      this.groups.set(id, g);
      this.ranksStale = true;
    }
    e.group = g;
    const list = g.entries;
    if (list.length === 0 || entryBefore(list[list.length - 1]!, e)) {
      list.push(e);
      return;
    }
    list.splice(upperBound(list, e, g.head), 0, e);
  }

  /** The job left the line (it started). */
  remove(e: WaitingEntry): void {
    if (!e.live) return;
    e.live = false;
    this.entryOf.delete(e.job);
    this.dropFrom(e.group);
  }

  /** Re-class a waiting job (a starvation promotion): it moves to the group of its new rank. */
  move(e: WaitingEntry, rank: number): void {
    if (!e.live || e.group.rank === rank) return;
    const old = e.group;
    this.place(e, rank);
    this.dropFrom(old);
  }

  private dropFrom(g: WaitingGroup): void {
    g.dead++;
    const list = g.entries;
    while (g.head < list.length && !isIn(list[g.head]!, g)) g.head++;
  }

  /** Drop dead entries once they outnumber the live ones (never during a walk: it holds indices). */
  private compact(): void {
    for (const g of this.groups.values()) {
      if (g.dead > 32 && g.dead * 2 > g.entries.length) {
        g.entries = g.entries.filter((x) => isIn(x, g));
        g.head = 0;
        g.dead = 0;
      }
    }
  }

  /** Live entries in the index's order (class, then key): for tests and slow paths. */
  *all(): Generator<WaitingEntry> {
    const walk = this.walk(() => true);
    for (let e = walk.next(); e; e = walk.next()) yield e;
  }

  /** The lowest rank of a job still waiting (Infinity when none). */
  lowestRank(): number {
    if (this.ranksStale) this.rebuildRanks();
    for (const r of this.ranks) {
      for (const g of r.groups) {
        const list = g.entries;
        for (let i = g.head; i < list.length; i++) if (isIn(list[i]!, g)) return r.rank;
      }
    }
    return Infinity;
  }

  /**
   * A walk over the live entries in order, visiting only groups for which `open(group)` holds.
   * Call `reopen()` after anything `open` reads has changed: groups that open then join the walk
   * at the position reached (the jobs of theirs that were passed stay passed).
   */
  walk(open: (g: WaitingGroup) => boolean, skip?: SkipWithin): IndexWalk {
    this.compact();
    if (this.ranksStale) this.rebuildRanks();
    return new IndexWalk(this.ranks, open, skip);
  }

  private rebuildRanks(): void {
    const byRank = new Map<number, WaitingGroup[]>();
    for (const g of this.groups.values()) {
      const list = byRank.get(g.rank);
      if (list) list.push(g);
      else byRank.set(g.rank, [g]);
    }
    this.ranks = [...byRank].sort((a, b) => a[0] - b[0]).map(([rank, groups]) => ({ rank, groups }));
    this.ranksStale = false;
  }
}

const isIn = (e: WaitingEntry, g: WaitingGroup): boolean => e.live && e.group === g && e.job.state === 'waiting';

/** First index at or after `from` whose entry comes after `e`. */
function upperBound(list: readonly WaitingEntry[], e: WaitingEntry, from: number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entryBefore(e, list[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Within an open group, the first index at or after `from` (of `g.entries`) that the walk may
 * yield, or `g.entries.length`: the entries skipped are passed for the rest of the walk, so a
 * skip must hold until the walk ends (a policy skips jobs that cannot start in this pass).
 */
export type SkipWithin = (g: WaitingGroup, from: number) => number;

/** See WaitingIndex.walk. Entries yielded are live when yielded; the caller removes those it starts. */
export class IndexWalk {
  private r = -1;
  private groups: readonly WaitingGroup[] = [];
  private cursors: number[] = [];
  private open: boolean[] = [];
  private last: WaitingEntry | undefined;

  constructor(
    private readonly ranks: readonly { rank: number; groups: WaitingGroup[] }[],
    private readonly isOpen: (g: WaitingGroup) => boolean,
    private readonly skip?: SkipWithin,
  ) {}

  /** The next live entry of an open group, or undefined at the end. */
  next(): WaitingEntry | undefined {
    for (;;) {
      if (this.r >= 0) {
        let best = -1;
        let bestEntry: WaitingEntry | undefined;
        for (let i = 0; i < this.groups.length; i++) {
          if (!this.open[i]) continue;
          const g = this.groups[i]!;
          const list = g.entries;
          let c = Math.max(this.cursors[i]!, g.head);
          const skip = this.skip;
          if (skip) {
            c = skip(g, c);
            while (c < list.length && !isIn(list[c]!, g)) c = skip(g, c + 1);
          } else {
            while (c < list.length && !isIn(list[c]!, g)) c++;
          }
          this.cursors[i] = c;
          if (c < list.length && (!bestEntry || entryBefore(list[c]!, bestEntry))) {
            best = i;
            bestEntry = list[c];
          }
        }
        if (bestEntry) {
          this.cursors[best]!++;
          this.last = bestEntry;
          return bestEntry;
        }
      }
      if (++this.r >= this.ranks.length) return undefined;
      this.groups = this.ranks[this.r]!.groups;
      this.last = undefined;
      this.cursors = this.groups.map((g) => g.head);
      this.open = this.groups.map((g) => this.isOpen(g));
    }
  }

  /** Re-evaluate which groups are open (see WaitingIndex.walk). */
  reopen(): void {
    if (this.r < 0 || this.r >= this.ranks.length) return;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i]!;
      const now = this.isOpen(g);
      if (now && !this.open[i] && this.last) {
        // Entries compacted away meanwhile do not matter: search the list as it is now.
        this.cursors[i] = upperBound(g.entries, this.last, g.head);
      }
      this.open[i] = now;
    }
  }
}

/** Whether some allowed kind has `devices` whole devices free (a necessary condition to place). */
export function mayFitNow(g: WaitingGroup, cluster: ClusterView): boolean {
  return cluster.mayHoldNow(g.devices, g.milli, g.kinds);
}
