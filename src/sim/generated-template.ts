// A generated job's template: the few figures drawn for it, and a pointer to what every job of its
// generator has alike. Its name is made when asked (a jobs.csv row, a message), not per job.
import type { JobTemplate, ShapeOverrides } from '../model/job.js';

/** What every job of one generator has alike (the fields a generated template reads through). */
export interface GeneratorCommon {
  /** Jobs are named `<name>-<index>`. */
  readonly name: string;
  readonly efficiency: number | undefined;
  readonly shape: ShapeOverrides | undefined;
  readonly queue: number | undefined;
  readonly kindRate: readonly number[] | undefined;
  readonly cpuMilli: number | undefined;
  readonly memoryMiB: number | undefined;
}

/**
 * As the object literal the generator made per job (name, submit time, devices, work, efficiency,
 * allowed kinds, priority, params, source, shape, and the generator's queue, kind rates and host
 * request where it has them), answering the same values: 136 B per job instead of 240 (the literal
 * and its name string), and no string until a name is asked for.
 *
 * Not a plain object: copying it with a spread would drop the fields read through the prototype
 * (name, efficiency, source, ...). The simulator narrows allowed kinds with `narrow` instead.
 */
export class GeneratedTemplate implements JobTemplate {
  // Doubles stored first as NaN: the fields are doubles from the first job on (see JobRun).
  submitS = Number.NaN;
  usefulFlop = Number.NaN;
  params = Number.NaN;
  readonly devices: number;
  readonly priority: number;
  /** The job's number within its generator (0, 1, ...). */
  readonly index: number;
  /** The generator's, or a narrower list for this job (narrow). */
  allowedKinds: readonly number[] | undefined;

  constructor(
    readonly common: GeneratorCommon,
    index: number,
    allowedKinds: readonly number[] | undefined,
    submitS: number,
    devices: number,
    usefulFlop: number,
    priority: number,
    params: number,
  ) {
    this.submitS = submitS;
    this.usefulFlop = usefulFlop;
    this.params = params;
    this.devices = devices;
    this.priority = priority;
    this.index = index;
    this.allowedKinds = allowedKinds;
  }

  get name(): string {
    return `${this.common.name}-${this.index}`;
  }
  get source(): string {
    return this.common.name;
  }
  get efficiency(): number | undefined {
    return this.common.efficiency;
  }
  get shape(): ShapeOverrides | undefined {
    return this.common.shape;
  }
  get queue(): number | undefined {
    return this.common.queue;
  }
  get kindRate(): readonly number[] | undefined {
    return this.common.kindRate;
  }
  get cpuMilli(): number | undefined {
    return this.common.cpuMilli;
  }
  get memoryMiB(): number | undefined {
    return this.common.memoryMiB;
  }

  /** This template with `kinds` allowed (it is the arriving job's own: nothing else holds it yet). */
  narrow(kinds: readonly number[] | undefined): this {
    this.allowedKinds = kinds;
    return this;
  }
}
