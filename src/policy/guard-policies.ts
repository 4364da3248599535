// Plug-in queue, placement and preemption policies, wrapped: they see read-only views of the jobs and
// the cluster, their own seeded random stream, and a context whose every decision is checked before
// the simulator applies a copy of it; whatever they get wrong stops the run under their own name.
import type { RandomStream } from '../engine/random.js';
import { placementProblem } from './check-placement.js';
import { describeJob, type PluginGuard } from './plugin-guard.js';
import { maxRateOn } from './predict.js';
import {
  PolicyError,
  type ClusterView,
  type JobView,
  type Placement,
  type PlacementHints,
  type Placer,
  type Preemptor,
  type QueueDiscipline,
  type SchedulingContext,
  type WaitingJobs,
} from './types.js';

/** A plug-in queue policy: one pass per call, through a read-only context. */
export function guardDiscipline(guard: PluginGuard, discipline: QueueDiscipline): QueueDiscipline {
  let raw: SchedulingContext | undefined;
  let view: SchedulingContext | undefined;
  return {
    schedule(ctx) {
      // The simulator passes the same context every pass (its fields are live), so its view is made once.
      if (ctx !== raw) {
        raw = ctx;
        view = contextView(guard, ctx, true, () => ctx.random);
      }
      const returned: unknown = guard.call(ctx.nowS, undefined, () => discipline.schedule(view!));
      // What it does after its first await would come after the pass (or the run): never applied.
      if (isThenable(returned)) refuseAsync(guard, returned, 'schedule', 'its decisions would come after the pass');
    },
  };
}

/** A plug-in placement policy: its answer is checked, and the simulator gets a copy of it. */
export function guardPlacer(guard: PluginGuard, placer: Placer): Placer {
  const views = guard.views;
  let raw: PlacementHints | undefined;
  let hints: PlacementHints | undefined;
  let shown: ClusterView | undefined;
  return {
    place(job, cluster, rawHints) {
      shown = cluster;
      if (rawHints !== raw) {
        raw = rawHints;
        hints = Object.freeze({
          get nowS() {
            return rawHints.nowS;
          },
          get random() {
            return rawHints.random;
          },
          predictRate: (j: JobView, p: Placement) => {
            const sj = simJob(guard, j, 'hints.predictRate');
            return rawHints.predictRate(sj, askedPlacement(guard, sj, p, shown!, 'hints.predictRate'));
          },
          get targetWorkload() {
            return rawHints.targetWorkload?.map((c) => Object.freeze({ ...c, allowedKinds: c.allowedKinds ? Object.freeze([...c.allowedKinds]) : undefined }));
          },
        });
      }
      const p: unknown = guard.call(rawHints.nowS, job, () => placer.place(views.view(job, 'job'), views.view(cluster, 'cluster'), hints!));
      if (p === undefined || p === null) return undefined;
      // An async place() answered with a promise, reported as a placement of the wrong shape.
      if (isThenable(p)) return refuseAsync(guard, p, 'place');
      const problem = placementProblem(job, p, cluster);
      if (problem) guard.fail(`returned an invalid placement: ${problem}`);
      // A copy, so that the plug-in cannot change a decision after it was checked.
      return copyPlacement(p as Placement);
    },
  };
}

/** A plug-in preemption policy: pure, so its context refuses decisions; it must return eligible jobs. */
export function guardPreemptor(guard: PluginGuard, preemptor: Preemptor): Preemptor {
  const views = guard.views;
  // Its own stream, forked from the queue policy's: the queue policy's draws do not move.
  const streams = new WeakMap<RandomStream, RandomStream>();
  const randomOf = (ctx: SchedulingContext): RandomStream => {
    let r = streams.get(ctx.random);
    if (!r) {
      r = ctx.random.fork(`victims:${guard.name}`);
      streams.set(ctx.random, r);
    }
    return r;
  };
  let raw: SchedulingContext | undefined;
  let view: SchedulingContext | undefined;
  return {
    victims(job, ctx, eligible) {
      if (ctx !== raw) {
        raw = ctx;
        view = contextView(guard, ctx, false, () => randomOf(ctx));
      }
      const chosen: unknown = guard.call(ctx.nowS, job, () => preemptor.victims(views.view(job, 'job'), view!, views.view(eligible, 'eligible')));
      if (chosen === undefined) return undefined;
      if (isThenable(chosen)) return refuseAsync(guard, chosen, 'victims');
      if (!Array.isArray(chosen)) return guard.fail(`victims() returned ${describeJob(chosen)}, not an array of eligible jobs or undefined`);
      const allowed = new Set(eligible);
      const victims: JobView[] = [];
      // By index: map() skips an array's holes and would hand the queue policy a sparse array.
      for (let i = 0; i < chosen.length; i++) {
        const x: unknown = chosen[i];
        const j = views.unwrap<JobView>(x);
        if (!j || !allowed.has(j)) guard.fail(`victims() returned ${describeJob(x)}, which is not among the eligible jobs it was given`);
        // A job twice would be preempted twice, the second time while it checkpoints: blamed on the queue policy.
        if (victims.includes(j)) guard.fail(`victims() returned ${describeJob(j)} twice`);
        victims.push(j);
      }
      return victims;
    },
  };
}

/**
 * The context a plug-in sees: live read-only views, and decisions that take the jobs it was shown.
 * `decides`: start, preempt and wakeAt are allowed (a queue policy), or refused (a preemption policy).
 */
function contextView(guard: PluginGuard, ctx: SchedulingContext, decides: boolean, random: () => RandomStream): SchedulingContext {
  const views = guard.views;
  const refuse = (what: string) => (): never => guard.fail(`${what}() is not for a preemption policy: return the victims, and the queue policy preempts them`);
  return Object.freeze({
    get nowS() {
      return ctx.nowS;
    },
    waiting: waitingView(guard, ctx.waiting),
    get running() {
      return views.view(ctx.running, 'ctx.running');
    },
    get cluster() {
      return views.view(ctx.cluster, 'ctx.cluster');
    },
    get random() {
      return random();
    },
    get placeIsPure() {
      return ctx.placeIsPure;
    },
    place(job: JobView) {
      const j = waitingJob(guard, job, 'place');
      // The placer's answer is a fresh object, never the simulator's state: the plug-in gets its own copy.
      const p = ctx.place(j);
      return p && copyPlacement(p);
    },
    start: decides
      ? (job: JobView, placement: Placement) => {
          const j = waitingJob(guard, job, 'start');
          try {
            ctx.start(j, copyPlacement(placement));
          } catch (e) {
            // The simulator's own checks (capacity, kinds, whole gangs), reported under the plug-in's name.
            if (e instanceof PolicyError && e.origin === undefined) guard.fail(`start() was given an invalid placement: ${e.detail}`);
            throw e;
          }
        }
      : refuse('start'),
    preempt: decides
      ? (job: JobView) => {
          const j = views.unwrap<JobView>(job);
          if (j) guard.current = j;
          if (!j || j.state !== 'running') guard.fail(`preempt() was given ${describeJob(job)}, not a running job`);
          ctx.preempt(j);
        }
      : refuse('preempt'),
    wakeAt: decides
      ? (timeS: number) => {
          // NaN was ignored, and Infinity kept the run going to the century limit, blamed on the scenario.
          if (typeof timeS !== 'number' || !Number.isFinite(timeS)) guard.fail(`wakeAt() was given ${typeof timeS === 'number' ? String(timeS) : `a ${typeof timeS}`}, not a finite simulated time in seconds`);
          ctx.wakeAt(timeS);
        }
      : refuse('wakeAt'),
    predictRate: (job: JobView, placement: Placement) => {
      const j = simJob(guard, job, 'predictRate');
      return ctx.predictRate(j, askedPlacement(guard, j, placement, ctx.cluster, 'predictRate'));
    },
    ...(ctx.predictRunS
      ? {
          predictRunS: (job: JobView, placement: Placement) => {
            const j = simJob(guard, job, 'predictRunS');
            return ctx.predictRunS!(j, askedPlacement(guard, j, placement, ctx.cluster, 'predictRunS'));
          },
        }
      : {}),
    maxRate: (job: JobView, kind: number) => {
      const j = simJob(guard, job, 'maxRate');
      const kinds = ctx.cluster.kinds.length;
      if (!Number.isInteger(kind) || kind < 0 || kind >= kinds) guard.fail(`maxRate() was given kind ${String(kind)}, not a device kind's index (an integer from 0 to ${kinds - 1})`);
      return maxRateOn(j, kind, ctx);
    },
    predictedFinishS: (job: JobView) => ctx.predictedFinishS(simJob(guard, job, 'predictedFinishS')),
  });
}

/** The waiting line as views; the job being looked at is the one an error names. */
function waitingView(guard: PluginGuard, waiting: WaitingJobs): WaitingJobs {
  const views = guard.views;
  const each = function* (jobs: Iterable<JobView>): Generator<JobView> {
    for (const j of jobs) {
      guard.current = j;
      yield views.view(j, 'job');
    }
  };
  const view: WaitingJobs = {
    get size() {
      return waiting.size;
    },
    [Symbol.iterator]: () => each(waiting),
  };
  // The optional index (pushes, since) is passed on, so that a policy keeping its own index stays O(log n).
  const since = waiting.since?.bind(waiting);
  if (since) {
    Object.defineProperty(view, 'pushes', { get: () => waiting.pushes, enumerable: true });
    view.since = (mark: number) => each(since(mark));
  }
  return Object.freeze(view);
}

/** The simulator's job behind a view given back by the plug-in, which must be waiting. */
function waitingJob(guard: PluginGuard, job: unknown, method: string): JobView {
  const j = guard.views.unwrap<JobView>(job);
  if (j) guard.current = j;
  if (!j || j.state !== 'waiting') return guard.fail(`${method}() was given ${describeJob(job)}, not a job waiting in this pass`);
  return j;
}

/** The simulator's job behind a view given back by the plug-in. */
function simJob(guard: PluginGuard, job: unknown, method: string): JobView {
  const j = guard.views.unwrap<JobView>(job);
  if (!j) return guard.fail(`${method}() was given ${describeJob(job)}, not a job it was shown`);
  return j;
}

/**
 * A placement a plug-in asks a question about (predictRate), checked as its decisions are but against
 * the nodes' sizes, not what is free now: the model would answer a rate for a node that does not exist.
 */
function askedPlacement(guard: PluginGuard, job: JobView, p: unknown, cluster: ClusterView, method: string): Placement {
  const problem = placementProblem(job, p, cluster, 'capacity');
  if (problem) return guard.fail(`${method}() was given an invalid placement: ${problem}`);
  return copyPlacement(p as Placement);
}

/** The simulator keeps a copy of a decision: the plug-in may reuse or change its own object afterwards. */
function copyPlacement(p: Placement): Placement {
  if (p === null || typeof p !== 'object') return p;
  return {
    kind: p.kind,
    nodes: Array.isArray(p.nodes) ? Array.from(p.nodes) : p.nodes,
    counts: Array.isArray(p.counts) ? Array.from(p.counts) : p.counts,
    ...(p.device !== undefined ? { device: p.device } : {}),
    ...(p.milli !== undefined ? { milli: p.milli } : {}),
  };
}

/**
 * A plug-in method that returned a promise (an async method) or another thenable: what it decides
 * after its first await would come too late. A native promise's rejection is silenced (it would
 * be an unhandled rejection after the run's own message); a thenable of the plug-in's own may throw
 * from then(), which must not hide this message behind its own ("threw: r is not a function").
 */
export function refuseAsync(guard: PluginGuard, returned: PromiseLike<unknown>, method: string, late = 'its answer would come after the simulator needed it'): never {
  try {
    returned.then(undefined, () => undefined);
  } catch {
    // Its own then() threw: there is nothing of ours to silence.
  }
  return guard.fail(
    `${method}() returned a promise (an async method, or an object with a then()): plug-in policies must be synchronous, so ${method}() returns its decision from the call itself, without async, await or then(); ${late} (docs/writing-a-policy.md, "Plug-ins are called synchronously")`,
  );
}

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}
