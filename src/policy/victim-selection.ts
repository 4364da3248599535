// Shared arithmetic of preemption policies: which devices will be free on each kind once the
// chosen victims (and the jobs already checkpointing) let go, and the cheapest kind to free.
import { allowedKinds } from './predict.js';
import type { JobView, SchedulingContext } from './types.js';

/**
 * Victims for `job`, taken greedily in `order` on each allowed kind until that kind would have
 * enough devices, then spared in the reverse order (most important first) while the others still
 * free enough; the kind whose victims cost least (`cost`, compared element by element) wins.
 * Free devices and those of jobs already checkpointing count as coming free, except when the job
 * does not fit although enough devices are free (fragmentation): then only victims and
 * checkpointing jobs count, so that preempting still makes progress.
 * Returns [] when jobs already checkpointing will free enough, undefined when nothing suffices.
 */
export function chooseVictims(
  job: JobView,
  ctx: SchedulingContext,
  order: readonly JobView[],
  cost: (victims: readonly JobView[]) => readonly number[],
): JobView[] | undefined {
  const cluster = ctx.cluster;
  let best: { victims: JobView[]; cost: readonly number[] } | undefined;
  for (const kind of allowedKinds(job, cluster)) {
    if (cluster.kindTotal[kind]! < job.devices) continue;
    let draining = 0;
    for (const r of ctx.running) if (r.state === 'checkpointing' && r.placement?.kind === kind) draining += r.devices;
    let have = devicesComingFree(job.devices, cluster.kindFree[kind]!, draining);
    if (have >= job.devices) return [];
    const victims: JobView[] = [];
    for (const v of order) {
      if (have >= job.devices) break;
      if (v.state !== 'running' || v.placement?.kind !== kind) continue;
      victims.push(v);
      have += v.devices;
    }
    if (have < job.devices) continue;
    // Spare, most important first, each victim the others make unnecessary (the Kubernetes
    // scheduler's reprieve): the greedy pass may have taken small ones before a large one that
    // alone suffices.
    for (let i = victims.length - 1; i >= 0; i--) {
      const v = victims[i]!;
      if (have - v.devices < job.devices) continue;
      have -= v.devices;
      victims.splice(i, 1);
    }
    const c = cost(victims);
    if (!best || lexLess(c, best.cost)) best = { victims, cost: c };
  }
  return best?.victims;
}

/**
 * Devices of a kind that count as coming free for a job of `devices` without new victims: the free
 * ones and those of jobs checkpointing (`draining`); none when enough are free and nothing drains
 * (the job does not fit for fragmentation, and only victims can make progress).
 */
export function devicesComingFree(devices: number, free: number, draining: number): number {
  return free >= devices && draining === 0 ? 0 : free + draining;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}

/** Fraction of its useful work a job has done. */
export const progressOf = (j: JobView): number => (j.usefulFlop > 0 ? 1 - j.remainingFlop / j.usefulFlop : 1);
