// A trace job's template (one per trace row: a million in W2), made by a constructor rather than
// an object literal. A literal's object has exactly the literal's fields in place, so each optional
// field set after it (the recorded run time of every `runtime: fixed` trace, a share, a queue)
// moved into a separate property array: a second allocation per job, 40 bytes more of it, and a
// second object for every scavenge and full collection to visit. A constructor's objects keep room
// for the fields it sets (V8's slack tracking), so they stay one object. The fields and their order
// are those of the literal it replaces: spreads, JSON and every reader see the same template.
import type { JobTemplate } from './job.js';

export class TraceJobTemplate implements JobTemplate {
  readonly name: string;
  readonly submitS: number;
  readonly devices: number;
  readonly usefulFlop: number;
  readonly efficiency: number | undefined;
  readonly allowedKinds: readonly number[] | undefined;
  readonly priority: number;
  readonly params: number;
  readonly source: string;
  declare readonly milli?: number;
  declare readonly cpuMilli?: number;
  declare readonly memoryMiB?: number;
  declare readonly fixedRuntimeS?: number;
  declare readonly queue?: number;

  /** The optional fields are set only when given (absent, not undefined), in this order. */
  constructor(
    name: string,
    submitS: number,
    devices: number,
    usefulFlop: number,
    efficiency: number | undefined,
    allowedKinds: readonly number[] | undefined,
    priority: number,
    source: string,
    milli: number | undefined,
    cpuMilli: number | undefined,
    memoryMiB: number | undefined,
    fixedRuntimeS: number | undefined,
    queue: number | undefined,
  ) {
    this.name = name;
    this.submitS = submitS;
    this.devices = devices;
    this.usefulFlop = usefulFlop;
    this.efficiency = efficiency;
    this.allowedKinds = allowedKinds;
    this.priority = priority;
    this.params = 0;
    this.source = source;
    const self = this as { -readonly [K in keyof TraceJobTemplate]: TraceJobTemplate[K] };
    if (milli !== undefined) self.milli = milli;
    if (cpuMilli !== undefined) self.cpuMilli = cpuMilli;
    if (memoryMiB !== undefined) self.memoryMiB = memoryMiB;
    if (fixedRuntimeS !== undefined) self.fixedRuntimeS = fixedRuntimeS;
    if (queue !== undefined) self.queue = queue;
  }
}
