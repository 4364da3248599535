// EASY's reservation (reserve() in src/policy/easy-backfill.ts) against its definition, over random
// running sets: one scan answers when the jobs ending first free enough (or enough is free now), a
// heap otherwise; both must give the definition's time and extra, ties, overdue predicted ends and
// checkpointing jobs (no predicted end) included, whether the jobs are read or the simulator's
// running table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reserve } from '../src/policy/easy-backfill.js';
import type { JobView, SchedulingContext } from '../src/policy/types.js';

interface Running {
  kind: number;
  devices: number;
  endS: number;
}

/**
 * The definition: on each allowed kind with enough devices in all, the earliest time T (now, or a
 * running job's predicted end) by which the free devices and those of every job ending by T cover
 * the head; the surplus then is its extra. The earliest kind wins (the first listed on ties).
 */
function reference(devices: number, kinds: readonly number[], free: number[], total: number[], running: Running[], nowS: number): { kind: number; timeS: number; extra: number } | undefined {
  let best: { kind: number; timeS: number; extra: number } | undefined;
  for (const kind of kinds) {
    if (total[kind]! < devices) continue;
    const on = running.filter((r) => r.kind === kind);
    const freedBy = (t: number): number => free[kind]! + on.filter((r) => r.endS <= t).reduce((s, r) => s + r.devices, 0);
    const times = [...new Set(on.map((r) => r.endS))].sort((a, b) => a - b);
    const timeS = free[kind]! >= devices ? nowS : times.find((t) => freedBy(t) >= devices);
    if (timeS === undefined || !Number.isFinite(timeS)) continue;
    const r = { kind, timeS, extra: freedBy(timeS) - devices };
    if (!best || r.timeS < best.timeS) best = r;
  }
  return best;
}

const runningJob = fc.record({
  kind: fc.nat({ max: 2 }),
  devices: fc.integer({ min: 1, max: 8 }),
  // Few distinct ends (ties), some before now (overdue), some without an end (checkpointing).
  endS: fc.oneof(fc.integer({ min: 90, max: 130 }).map((t) => t / 2), fc.constant(Infinity)),
});

describe('reserve', () => {
  it('gives the earliest time and extra by definition', () => {
    fc.assert(
      fc.property(
        fc.array(runningJob, { maxLength: 60 }),
        fc.integer({ min: 1, max: 24 }),
        fc.option(fc.shuffledSubarray([0, 1, 2], { minLength: 1 }), { nil: undefined }),
        fc.array(fc.nat({ max: 10 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }),
        (running, devices, allowedKinds, free, spare) => {
          const nowS = 50;
          // Each kind's total: what is free, what its running jobs hold, and some more.
          const total = [0, 1, 2].map((k) => free[k]! + running.filter((r) => r.kind === k).reduce((s, r) => s + r.devices, 0) + spare[k]!);
          const ctx = {
            nowS,
            cluster: { kindFree: free, kindTotal: total, allKinds: [0, 1, 2] },
            running: running.map((r) => ({ ...r, placement: { kind: r.kind } })),
            predictedFinishS: (j: JobView) => (j as unknown as Running).endS,
          } as unknown as SchedulingContext;
          const job = { devices, allowedKinds } as unknown as JobView;
          const got = reserve(job, ctx);
          const want = reference(devices, allowedKinds ?? [0, 1, 2], free, total, running, nowS);
          expect(got && { kind: got.kind, timeS: got.timeS, extra: got.extra }).toEqual(want);
          // The simulator's route: the same jobs described by its running table (the jobs' own
          // fields then unread), padded past the running jobs with entries that mean nothing.
          const pad = (xs: number[]): number[] => [...xs, -1, 7, Number.NaN];
          const runningTable = {
            finishS: new Float64Array(pad(running.map((r) => r.endS))),
            devices: new Float64Array(pad(running.map((r) => r.devices))),
            share: new Float64Array(pad(running.map((r) => r.devices))),
            kind: new Int32Array(pad(running.map((r) => r.kind))),
            account: running.map(() => ''),
          };
          const blind = running.map(() => ({}));
          const viaTable = reserve(job, { ...ctx, running: blind, runningTable, predictedFinishS: () => Number.NaN } as unknown as SchedulingContext);
          expect(viaTable && { kind: viaTable.kind, timeS: viaTable.timeS, extra: viaTable.extra }).toEqual(want);
        },
      ),
      { numRuns: 2000, seed: 13 },
    );
  });
});
