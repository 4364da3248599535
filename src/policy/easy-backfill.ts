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
import { allowedKinds, runtimeOnS } from './predict.js';
import type { JobView, Placement, QueueDiscipline, QueuePolicy, SchedulingContext } from './types.js';
import { mayFitNow, WaitingIndex, type WaitingEntry } from './waiting-index.js';

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
      const walk = index.walk((g) => !reservation || mayFitNow(g, cluster));
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
