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
// head past its reservation).
import { z } from 'zod';
import { allowedKinds, kindRate, runtimeOnS } from './predict.js';
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
      const walk = index.walk((g) => !reservation || (mayFitNow(g, cluster) && !cannotBackfill(g, reservation, extra, ctx)));
      const start = (e: WaitingEntry, placement: Placement): void => {
        ctx.start(e.job, placement);
        index.remove(e);
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
 * A shortest possible run time per group, so that whole groups of long jobs are skipped after the
 * head's reservation without placing each of them (on a long line that is almost every pass's
 * work). A job's predicted rate on any placement is at most devices x peak x kernel efficiency on
 * its best allowed kind (communication and bubbles only add to a step), so remaining work over
 * that rate never exceeds its predicted run time.
 */
const shortest = new WeakMap<WaitingGroup, { min: number; seen: number; dead: number }>();

function shortestRunS(g: WaitingGroup, ctx: SchedulingContext): number {
  let c = shortest.get(g);
  if (!c || c.dead !== g.dead || c.seen > g.entries.length) c = { min: Infinity, seen: g.head, dead: g.dead };
  // Entries only join at the end (EASY keeps the line's order); a departure rescans the group.
  for (let i = c.seen; i < g.entries.length; i++) {
    const e = g.entries[i]!;
    if (!e.live) continue;
    let best = 0;
    for (const k of allowedKinds(e.job, ctx.cluster)) best = Math.max(best, kindRate(e.job, k, ctx.cluster));
    c.min = Math.min(c.min, e.job.remainingFlop / best);
  }
  c.seen = g.entries.length;
  shortest.set(g, c);
  return c.min;
}

/**
 * True when no job of the group can backfill now: it can only run on the reserved kind, it is too
 * large for the devices the head does not need, and even its shortest job would end after the
 * reservation. (The per-job test in schedule() would reject every one of them.)
 */
function cannotBackfill(g: WaitingGroup, r: Reservation, extra: number, ctx: SchedulingContext): boolean {
  const kinds = g.kinds ?? ctx.cluster.allKinds;
  if (kinds.length !== 1 || kinds[0] !== r.kind || g.devices <= extra) return false;
  return ctx.nowS + shortestRunS(g, ctx) > r.timeS;
}

/** Earliest time enough devices of an allowed kind come free for `job`, by predicted finish times. */
export function reserve(job: JobView, ctx: SchedulingContext): Reservation | undefined {
  const cluster = ctx.cluster;
  let best: Reservation | undefined;
  for (const kind of allowedKinds(job, cluster)) {
    if (cluster.kindTotal[kind]! < job.devices) continue;
    const ending = ctx.running
      .filter((r) => r.placement?.kind === kind)
      .map((r) => ({ t: ctx.predictedFinishS(r), n: r.devices }))
      .sort((a, b) => a.t - b.t);
    let free = cluster.kindFree[kind]!;
    let timeS = ctx.nowS;
    let i = 0;
    for (; i < ending.length && free < job.devices; i++) {
      free += ending[i]!.n;
      timeS = ending[i]!.t;
    }
    // Jobs that end at the same instant free their devices then too: they add to the extra.
    for (; i < ending.length && ending[i]!.t <= timeS; i++) free += ending[i]!.n;
    // Devices of a checkpointing job have no predicted finish (Infinity): no reservation on that kind.
    if (free < job.devices || !Number.isFinite(timeS)) continue;
    const r = { job, kind, timeS, extra: free - job.devices };
    if (!best || r.timeS < best.timeS) best = r;
  }
  return best;
}
