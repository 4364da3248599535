// Where a simulation is inside its policies, published in shared memory so that another thread can
// tell a policy that never returns from one that is merely slow: the worker running the simulation
// writes (with Atomics) which policy call is in progress, for which job, at which simulated time,
// and which plug-in (by its label: role, name, file); the watchdog in the main thread reads it.
import type { PluginCallMonitor } from '../policy/plugin-guard.js';
import type { ResolvedPolicies } from '../policy/registry.js';
import { PolicyError, type JobView, type Placement, type Placer, type QueueDiscipline, type SchedulingContext } from '../policy/types.js';

/** What is in progress. */
export const Activity = { Idle: 0, Queue: 1, Placement: 2, Loading: 3, Plugin: 4 } as const;
export type Activity = (typeof Activity)[keyof typeof Activity];

// Int32 slots, then a float64 (simulated time), then the current job's name in UTF-8.
const DEPTH = 0; // nesting depth of policy calls (0: none in progress)
const SEQ = 1; // incremented at each outermost call: the watchdog's "same call still running?"
const ACTIVITY = 2;
const JOB_ID = 3; // -1: none
const NAME_LEN = 4;
const LABEL_LEN = 5; // 0: no plug-in call in progress
const INTS = 8;
const TIME_OFFSET = INTS * 4;
const NAME_OFFSET = TIME_OFFSET + 8;
const NAME_BYTES = 240;
const LABEL_OFFSET = NAME_OFFSET + NAME_BYTES;
const LABEL_BYTES = 720;

export function createWatchBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(LABEL_OFFSET + LABEL_BYTES);
}

export interface WatchSnapshot {
  depth: number;
  seq: number;
  activity: Activity;
  job: string | undefined;
  timeS: number;
  /** The innermost plug-in whose call is in progress (`queue policy 'x' (./x.mjs)`), if any. */
  plugin: string | undefined;
}

/** The main thread's view. */
export function readWatch(buffer: SharedArrayBuffer): WatchSnapshot {
  const ints = new Int32Array(buffer, 0, INTS);
  const len = Atomics.load(ints, NAME_LEN);
  const id = Atomics.load(ints, JOB_ID);
  // The name bytes are copied out of shared memory first: TextDecoder refuses shared views.
  const name = id >= 0 && len > 0 ? new TextDecoder().decode(new Uint8Array(buffer, NAME_OFFSET, len).slice()) : undefined;
  const labelLen = Atomics.load(ints, LABEL_LEN);
  const plugin = labelLen > 0 ? new TextDecoder().decode(new Uint8Array(buffer, LABEL_OFFSET, labelLen).slice()) : undefined;
  return {
    depth: Atomics.load(ints, DEPTH),
    seq: Atomics.load(ints, SEQ),
    activity: Atomics.load(ints, ACTIVITY) as Activity,
    job: name,
    timeS: new Float64Array(buffer, TIME_OFFSET, 1)[0]!,
    plugin,
  };
}

/** The worker's side: brackets policy calls; plug-ins report theirs through PluginCallMonitor. */
export class PolicyWatch implements PluginCallMonitor {
  private readonly ints: Int32Array;
  private readonly time: Float64Array;
  private readonly name: Uint8Array;
  private readonly label: Uint8Array;
  private readonly encoder = new TextEncoder();
  private readonly stack: Activity[] = [];
  private readonly labels: string[] = [];
  private lastJobId = -1;

  constructor(buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, INTS);
    this.time = new Float64Array(buffer, TIME_OFFSET, 1);
    this.name = new Uint8Array(buffer, NAME_OFFSET, NAME_BYTES);
    this.label = new Uint8Array(buffer, LABEL_OFFSET, LABEL_BYTES);
    Atomics.store(this.ints, JOB_ID, -1);
  }

  /** A plug-in call (or a plug-in module's loading) starts: published with its label, so the watchdog names it. */
  enterPlugin(label: string, timeS: number, job: string | undefined): void {
    if (job !== undefined) {
      // Names, not ids: a plug-in call is told the job's name only.
      this.lastJobId = -2;
      const { written } = this.encoder.encodeInto(job.slice(0, NAME_BYTES / 4), this.name);
      Atomics.store(this.ints, NAME_LEN, written);
      Atomics.store(this.ints, JOB_ID, 0);
    } else if (this.stack.length === 0) {
      // A call about no job (a load balancer's): no stale job name beside it.
      this.lastJobId = -1;
      Atomics.store(this.ints, JOB_ID, -1);
    }
    this.labels.push(label);
    this.publishLabel(label);
    this.enter(this.stack.at(-1) === Activity.Loading ? Activity.Loading : Activity.Plugin, timeS);
  }

  exitPlugin(): void {
    this.exit();
    this.labels.pop();
    this.publishLabel(this.labels.at(-1));
  }

  private publishLabel(label: string | undefined): void {
    const written = label === undefined ? 0 : this.encoder.encodeInto(label.slice(0, LABEL_BYTES / 4), this.label).written;
    Atomics.store(this.ints, LABEL_LEN, written);
  }

  enter(activity: Activity, timeS: number, job?: JobView): void {
    this.time[0] = timeS;
    if (job && job.id !== this.lastJobId) {
      this.lastJobId = job.id;
      const { written } = this.encoder.encodeInto(job.name.slice(0, NAME_BYTES / 4), this.name);
      Atomics.store(this.ints, NAME_LEN, written);
      Atomics.store(this.ints, JOB_ID, job.id);
    }
    this.stack.push(activity);
    Atomics.store(this.ints, ACTIVITY, activity);
    if (this.stack.length === 1) Atomics.add(this.ints, SEQ, 1);
    Atomics.store(this.ints, DEPTH, this.stack.length);
  }

  /** A job now concerned by the call in progress (the queue policy placing or starting it). */
  touch(job: JobView): void {
    if (job.id === this.lastJobId) return;
    this.lastJobId = job.id;
    const { written } = this.encoder.encodeInto(job.name.slice(0, NAME_BYTES / 4), this.name);
    Atomics.store(this.ints, NAME_LEN, written);
    Atomics.store(this.ints, JOB_ID, job.id);
  }

  exit(): void {
    this.stack.pop();
    Atomics.store(this.ints, ACTIVITY, this.stack.at(-1) ?? Activity.Idle);
    Atomics.store(this.ints, DEPTH, this.stack.length);
  }

  /** The same policies, with every call bracketed. */
  instrument(policies: ResolvedPolicies): ResolvedPolicies {
    const { queue, placer } = policies;
    const watchedQueue: QueueDiscipline = {
      schedule: (ctx) => {
        this.enter(Activity.Queue, ctx.nowS);
        const watched = Object.create(ctx, {
          start: { value: (job: JobView, p: Placement) => (this.touch(job), ctx.start(job, p)) },
          preempt: { value: (job: JobView) => (this.touch(job), ctx.preempt(job)) },
        }) as SchedulingContext;
        try {
          queue.schedule(watched);
        } finally {
          this.exit();
        }
      },
    };
    // The placer's promises kept (requestOnly: explain's note and ctx.place's memo read it).
    const watchedPlacer: Placer = {
      place: (job, cluster, hints) => {
        this.enter(Activity.Placement, hints.nowS, job);
        try {
          return placer.place(job, cluster, hints);
        } finally {
          this.exit();
        }
      },
      ...(placer.requestOnly !== undefined ? { requestOnly: placer.requestOnly } : {}),
    };
    return { ...policies, queue: watchedQueue, placer: watchedPlacer };
  }
}

/** A policy call that did not return in time. */
export class PolicyTimeoutError extends PolicyError {
  /** `label`: the plug-in as the watchdog saw it (`queue policy 'x' (./x.mjs)`, `policy module './x.mjs'`), when it did. */
  constructor(policy: string, job: string | undefined, timeS: number, timeoutS: number, loading: boolean, label?: string) {
    super(policy, job, timeS, `did not return within ${timeoutS} s`);
    this.message = loading
      ? `${label ?? `policy module '${policy}'`} did not finish loading within ${timeoutS} s`
      : `${label ?? `policy '${policy}'`} did not return within ${timeoutS} s (${job !== undefined ? `job '${job}', ` : ''}simulated time ${timeS} s)`;
    this.name = 'PolicyTimeoutError';
  }
}
