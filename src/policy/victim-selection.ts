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
    // A GPU shared by several share jobs comes free whole only when all of them let go: per such
    // device, how many of its jobs still hold it (counted as a device per share job, two shares of
    // one GPU read as two devices freed, and a share on another GPU was preempted for nothing).
    const left = sharedDeviceHolders(ctx, kind);
    const draining = drainingDevices(ctx, kind, left);
    let have = devicesComingFree(job.devices, cluster.kindFree[kind]!, draining);
    if (have >= job.devices) return [];
    const victims: JobView[] = [];
    for (const v of order) {
      if (have >= job.devices) break;
      if (v.state !== 'running' || v.placement?.kind !== kind) continue;
      victims.push(v);
      have += letGo(v, left);
    }
    if (have < job.devices) continue;
    // Spare, most important first, each victim the others make unnecessary (the Kubernetes
    // scheduler's reprieve): the greedy pass may have taken small ones before a large one that
    // alone suffices, or a share of a GPU whose other jobs go on.
    for (let i = victims.length - 1; i >= 0; i--) {
      const v = victims[i]!;
      const device = sharedDevice(v);
      const gives = device === undefined ? v.devices : left!.get(device) === 0 ? 1 : 0;
      if (have - gives < job.devices) continue;
      have -= gives;
      if (device !== undefined) left!.set(device, left!.get(device)! + 1);
      victims.splice(i, 1);
    }
    const c = cost(victims);
    if (!best || lexLess(c, best.cost)) best = { victims, cost: c };
  }
  return best?.victims;
}

/** The one device a share job (a fraction of a GPU) holds, or undefined for a job of whole devices. */
function sharedDevice(j: JobView): number | undefined {
  return j.milli < 1000 ? j.placement?.device : undefined;
}

/** Per device of `kind` held by share jobs, how many running or checkpointing jobs hold it; undefined when none does. */
function sharedDeviceHolders(ctx: SchedulingContext, kind: number): Map<number, number> | undefined {
  let left: Map<number, number> | undefined;
  for (const r of ctx.running) {
    const device = r.placement?.kind === kind ? sharedDevice(r) : undefined;
    if (device === undefined) continue;
    left ??= new Map();
    left.set(device, (left.get(device) ?? 0) + 1);
  }
  return left;
}

/**
 * Whole devices of `kind` that jobs already checkpointing will free: their devices, and a GPU held
 * by share jobs once every holder is checkpointing (`left`, from sharedDeviceHolders, is updated).
 */
export function drainingDevices(ctx: SchedulingContext, kind: number, left: Map<number, number> | undefined = sharedDeviceHolders(ctx, kind)): number {
  let draining = 0;
  for (const r of ctx.running) if (r.state === 'checkpointing' && r.placement?.kind === kind) draining += letGo(r, left);
  return draining;
}

/** Whole devices that come free when `j` lets go: its devices, or for a share the GPU once its last holder goes. */
function letGo(j: JobView, left: Map<number, number> | undefined): number {
  const device = sharedDevice(j);
  if (device === undefined) return j.devices;
  const n = left!.get(device)! - 1;
  left!.set(device, n);
  return n === 0 ? 1 : 0;
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
