// EASY backfilling (Lifka, "The ANL/IBM SP scheduling system", JSSPP 1995; Mu'alem and Feitelson,
// IEEE TPDS 2001): FIFO, but when the head job cannot start it gets a reservation at the earliest
// time enough devices free up (from running jobs' predicted finish times), and later jobs may start
// now only if they fit now and either finish before the reservation or use only devices the head
// will not need then (the "extra" devices).
//
// Several device kinds: the head's reservation is on the allowed kind where it comes earliest
// (first listed kind on ties), counting devices per kind. Jobs placed on any other kind cannot
// delay it and backfill freely; jobs on the reserved kind obey the rule above, with the extra
// devices counted on that kind. The count assumes the placement policy can use any free devices of
// the kind (true of spread, and of topology-aware with whole_nodes: false; first-fit, best-fit and
// topology-aware by default give a multi-node gang whole free nodes, so fragmentation can push the
// head past its reservation). Devices are whole devices: a device shared by GPU-share jobs counts
// as freed when the last of its shares ends.
import { z } from 'zod';
import { allowedKinds, maxRateOn, runtimeOnS } from './predict.js';
import type { JobView, Placement, QueueDiscipline, QueuePolicy, SchedulingContext } from './types.js';
import { mayFitNow, WaitingIndex, type WaitingEntry, type WaitingGroup } from './waiting-index.js';

/** The head job's reservation: devices of `kind` at `timeS`, with `extra` devices to spare then. */
export interface Reservation {
  readonly job: JobView;
  readonly kind: number;
  readonly timeS: number;
  readonly extra: number;
}

export interface EasyBackfillOptions {
  /** Called whenever a reservation is computed (tests check that the head starts by then). */
  onReservation?(r: Reservation, nowS: number): void;
}

export const easyBackfill: QueuePolicy<Record<string, never>> = {
  name: 'easy-backfill',
  description:
    'EASY backfilling: FIFO; the blocked head job gets a reservation at the earliest time enough devices of an allowed kind free up (running jobs\' predicted finish), and later jobs start now only if they finish by then or use only devices the head does not need.',
  params: z.strictObject({}),
  create: () => createEasyBackfill(),
};

export function createEasyBackfill(options: EasyBackfillOptions = {}): QueueDiscipline {
  // The line in its own order, grouped by shape: once the head is reserved, only groups with
  // enough free devices of an allowed kind to place now are walked (place would fail for the rest).
  const index = new WaitingIndex(() => 0);
  return {
    schedule(ctx) {
      index.update(ctx);
      const cluster = ctx.cluster;
      let reservation: Reservation | undefined;
      let extra = 0;
      const walk = index.walk(
        (g) => !reservation || (mayFitNow(g, cluster) && !cannotBackfill(g, reservation, extra, ctx)),
        // In a group confined to the reserved kind and too large for the extra devices, only the
        // jobs whose shortest run time ends by the reservation can backfill: go straight to them.
        (g, from) => (reservation && confined(g, reservation, extra, ctx) ? nextEndingBy(g, from, reservation.timeS, ctx) : from),
      );
      const start = (e: WaitingEntry, placement: Placement): void => {
        ctx.start(e.job, placement);
        index.remove(e);
        forget(e);
        walk.reopen();
      };
      for (let e = walk.next(); e; e = walk.next()) {
        const job = e.job;
        const placement = ctx.place(job);
        if (!reservation) {
          if (placement) {
            start(e, placement);
            continue;
          }
          reservation = reserve(job, ctx);
          if (!reservation) return; // cannot be reserved (it should have been rejected): plain FIFO
          extra = reservation.extra;
          options.onReservation?.(reservation, ctx.nowS);
          walk.reopen();
          continue;
        }
        if (!placement) continue;
        if (placement.kind !== reservation.kind) {
          start(e, placement);
          continue;
        }
        const endS = ctx.nowS + runtimeOnS(job, placement, ctx);
        if (endS <= reservation.timeS) start(e, placement);
        else if (job.devices <= extra) {
          extra -= job.devices;
          start(e, placement);
        }
      }
    },
  };
}

/**
 * True when no job of the group can backfill now: it can only run on the reserved kind, it is too
 * large for the devices the head does not need, and even its shortest job would end after the
 * reservation. (The per-job test in schedule() would reject every one of them.)
 */
function cannotBackfill(g: WaitingGroup, r: Reservation, extra: number, ctx: SchedulingContext): boolean {
  if (!confined(g, r, extra, ctx)) return false;
  return ctx.nowS + shortestTree(g, ctx).tree[1]! > r.timeS;
}

/** The group's jobs can only run on the reserved kind and are too large for the spare devices. */
function confined(g: WaitingGroup, r: Reservation, extra: number, ctx: SchedulingContext): boolean {
  const kinds = g.kinds ?? ctx.cluster.allKinds;
  return kinds.length === 1 && kinds[0] === r.kind && g.devices > extra;
}

/**
 * A job's shortest possible run time: remaining work over the highest rate the progress model can
 * predict for it on any placement of an allowed kind (`maxRateOn`: the model's own bound, so an FP8
 * job, one timed per operator above the kind's efficiency, or one with a throughput row is bounded
 * by what the same model computes), so it never exceeds its predicted run time on any placement.
 */
function entryShortestS(e: WaitingEntry, ctx: SchedulingContext): number {
  let best = 0;
  for (const k of allowedKinds(e.job, ctx.cluster)) best = Math.max(best, maxRateOn(e.job, k, ctx));
  return e.job.remainingFlop / best;
}

/**
 * Per group, a min segment tree of its waiting entries' shortest run times by position (started
 * ones count as Infinity), so that a pass skips whole groups of long jobs after the head's
 * reservation (the root), and finds the next job of a confined group that could end by the reservation in O(log n) instead of
 * placing and predicting every job in between (a long line of long jobs behind a reserved head).
 * Entries only join at the end of an EASY group (the line's order); a compaction replaces the
 * array, and the tree is rebuilt. A waiting job's work does not change while it waits.
 */
interface ShortestTree {
  entries: WaitingEntry[];
  /** Entries taken in so far, and the last of them (a check that the array only grew at its end). */
  n: number;
  last: WaitingEntry | undefined;
  size: number;
  tree: Float64Array;
}

const trees = new WeakMap<WaitingGroup, ShortestTree>();

function shortestTree(g: WaitingGroup, ctx: SchedulingContext): ShortestTree {
  const list = g.entries;
  let t = trees.get(g);
  if (!t || t.entries !== list || t.n > list.length || (t.n > 0 && list[t.n - 1] !== t.last) || list.length > t.size) {
    let size = t && t.entries === list ? t.size : 1;
    while (size < list.length) size <<= 1;
    t = { entries: list, n: 0, last: undefined, size, tree: new Float64Array(2 * size).fill(Infinity) };
    trees.set(g, t);
  }
  if (t.n < list.length) {
    const tree = t.tree;
    for (let i = t.n; i < list.length; i++) tree[t.size + i] = list[i]!.live ? entryShortestS(list[i]!, ctx) : Infinity;
    // Refresh the ancestors of the new leaves, level by level.
    let lo = (t.size + t.n) >> 1;
    let hi = (t.size + list.length - 1) >> 1;
    while (lo >= 1) {
      for (let j = lo; j <= hi; j++) tree[j] = Math.min(tree[2 * j]!, tree[2 * j + 1]!);
      lo >>= 1;
      hi >>= 1;
    }
    t.n = list.length;
    t.last = list[list.length - 1];
  }
  return t;
}

/** A started job no longer counts in its group's shortest run time. */
function forget(e: WaitingEntry): void {
  const t = trees.get(e.group);
  if (!t || t.entries !== e.group.entries) return;
  // Entries of an EASY group are in push order (seq ascending).
  let lo = 0;
  let hi = t.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.entries[mid]!.seq < e.seq) lo = mid + 1;
    else hi = mid;
  }
  if (t.entries[lo] !== e) return;
  const tree = t.tree;
  let i = t.size + lo;
  tree[i] = Infinity;
  for (i >>= 1; i >= 1; i >>= 1) tree[i] = Math.min(tree[2 * i]!, tree[2 * i + 1]!);
}

/** First position >= from whose job could end by `timeS` (now + shortest run time <= timeS), or the group's length. */
function nextEndingBy(g: WaitingGroup, from: number, timeS: number, ctx: SchedulingContext): number {
  const t = shortestTree(g, ctx);
  const tree = t.tree;
  const nowS = ctx.nowS;
  const fits = (j: number): boolean => !(nowS + tree[j]! > timeS);
  const end = g.entries.length;
  if (from >= end) return end;
  // Up from the leaf at `from` to the first subtree at or to its right holding a fitting leaf, then down.
  let i = t.size + from;
  if (fits(i)) return from;
  for (;;) {
    while ((i & 1) === 1 || !fits(i + 1)) {
      i >>= 1;
      if (i <= 1) return end;
    }
    i++;
    break;
  }
  while (i < t.size) {
    i <<= 1;
    if (!fits(i)) i++;
  }
  return Math.min(i - t.size, end);
}

/** Scratch space for reserve(): predicted finish times, device counts, and an order over them. */
let endT = new Float64Array(256);
let endN = new Float64Array(256);
let order = new Uint32Array(256);

/** Restore the min-heap on endT over order[0..m) below position i. */
function siftDown(i: number, m: number): void {
  const x = order[i]!;
  const t = endT[x]!;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= m) break;
    if (c + 1 < m && endT[order[c + 1]!]! < endT[order[c]!]!) c++;
    if (!(endT[order[c]!]! < t)) break;
    order[i] = order[c]!;
    i = c;
  }
  order[i] = x;
}

/** Take the running job that ends first off the heap of m entries; returns its index into endT. */
function popEarliest(m: number): number {
  const top = order[0]!;
  order[0] = order[m - 1]!;
  if (m > 1) siftDown(0, m - 1);
  return top;
}

/**
 * Earliest time enough devices of an allowed kind come free for `job`, by predicted finish times:
 * the first finish time by which the free devices and those of every job ending by then cover the
 * job (so the order among jobs ending at the same instant does not matter), the surplus then its
 * extra. No allocation per running job: this runs on every pass with a blocked head.
 */
export function reserve(job: JobView, ctx: SchedulingContext): Reservation | undefined {
  const cluster = ctx.cluster;
  const running = ctx.running;
  if (running.length > endT.length) {
    let n = endT.length;
    while (n < running.length) n *= 2;
    endT = new Float64Array(n);
    endN = new Float64Array(n);
    order = new Uint32Array(n);
  }
  const nowS = ctx.nowS;
  // On a pool of one kind every running job is on it: its kind goes unread.
  const oneKind = cluster.allKinds.length === 1;
  const table = ctx.runningTable;
  let best: Reservation | undefined;
  for (const kind of job.allowedKinds ?? cluster.allKinds) {
    if (cluster.kindTotal[kind]! < job.devices) continue;
    // One scan gives what most reservations need: the earliest predicted end and the devices of
    // the jobs ending then, and the devices of jobs ending by now. Device counts are whole numbers,
    // so these sums are exact in any order. The simulator's running table gives each job's end,
    // devices and kind from typed arrays (the jobs themselves are three objects each, most not in cache).
    let m = 0;
    let minT = Infinity;
    let atMin = 0;
    let byNow = 0;
    let unordered = false;
    // A device shared by several jobs (GPU shares) comes free whole when the last of them ends:
    // each share counted as a device freed at its own end counted the device once per share, and
    // too early, so the extra devices were overstated and a backfilled job could take one the head
    // needed (three jobs ending at 1 h, two of them shares of one GPU, read as three devices).
    let shareEnd: Map<number, number> | undefined;
    const count = (t: number, d: number): void => {
      endT[m] = t;
      endN[m] = d;
      m++;
      if (t < minT) {
        minT = t;
        atMin = d;
      } else if (t === minT) atMin += d;
      else if (t !== t) unordered = true; // NaN: no order; the heap below decides as it always did
      if (t <= nowS) byNow += d;
    };
    for (let i = 0; i < running.length; i++) {
      let t: number;
      let d: number;
      let shared: boolean;
      if (table) {
        if (!oneKind && table.kind[i] !== kind) continue;
        t = table.finishS[i]!;
        d = table.devices[i]!;
        shared = table.share[i] !== d;
      } else {
        const r = running[i]!;
        if (!oneKind && r.placement?.kind !== kind) continue;
        t = ctx.predictedFinishS(r);
        d = r.devices;
        shared = r.milli < 1000;
      }
      const device = shared ? running[i]!.placement?.device : undefined;
      if (device === undefined) {
        count(t, d);
        continue;
      }
      shareEnd ??= new Map();
      const before = shareEnd.get(device);
      shareEnd.set(device, before === undefined || t > before || t !== t ? t : before);
    }
    if (shareEnd) for (const t of shareEnd.values()) count(t, 1);
    let free = cluster.kindFree[kind]!;
    let timeS = nowS;
    if (unordered || (free < job.devices && (m === 0 || free + atMin < job.devices))) {
      [free, timeS] = reserveByHeap(job.devices, free, nowS, m);
    } else if (free >= job.devices) {
      // Enough now (fragmentation kept the head out): jobs ending by now add to the extra.
      free += byNow;
    } else {
      // The jobs that end first free enough.
      free += atMin;
      timeS = minT;
    }
    // Devices of a job writing a preemption's checkpoint have no predicted finish (Infinity): no reservation on that kind.
    if (free < job.devices || !Number.isFinite(timeS)) continue;
    const r = { job, kind, timeS, extra: free - job.devices };
    if (!best || r.timeS < best.timeS) best = r;
  }
  return best;
}

/**
 * The general case over endT/endN[0..m): running jobs by predicted end from a heap (O(m) to
 * build; only the earliest few are popped), until `free` covers `devices`; then every job ending
 * by that time adds to the extra. Returns the devices free then and the time.
 */
function reserveByHeap(devices: number, free: number, nowS: number, m: number): [number, number] {
  for (let i = 0; i < m; i++) order[i] = i;
  for (let h = (m >> 1) - 1; h >= 0; h--) siftDown(h, m);
  let timeS = nowS;
  let left = m;
  while (left > 0 && free < devices) {
    const e = popEarliest(left--);
    free += endN[e]!;
    timeS = endT[e]!;
  }
  // Jobs that end at the same instant free their devices then too: they add to the extra.
  while (left > 0 && endT[order[0]!]! <= timeS) free += endN[popEarliest(left--)]!;
  return [free, timeS];
}
