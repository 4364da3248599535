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

/** A job's fields as the size estimate reads them: a template's, or a trace row's (TraceJobTable.fill). */
export type JobSizeFields = Pick<JobTemplate, 'submitS' | 'devices' | 'usefulFlop' | 'efficiency' | 'allowedKinds' | 'milli' | 'fixedRuntimeS'>;

/** The record TraceJobTable.fill writes: read it before the next fill. */
export class TraceRowFields implements JobSizeFields {
  submitS = 0;
  devices = 0;
  usefulFlop = 0;
  efficiency: number | undefined = undefined;
  allowedKinds: readonly number[] | undefined = undefined;
  milli: number | undefined = undefined;
  fixedRuntimeS: number | undefined = undefined;
}

/**
 * A number per row, kept as one value until a row differs from it (a trace's priority, share, host
 * request or queue is usually the same for every job; W2's submit times are all 0): then a
 * Float64Array. The first row's value becomes the one value, whatever the column's default, so a
 * column that every row gives alike is never materialised. Values are kept as given, -0 and NaN
 * included (Object.is). Rows are set in order, each once.
 */
class NumberColumn {
  private constant: number;
  private values: Float64Array | undefined;
  private capacity: number;

  constructor(first: number, capacity: number) {
    this.constant = first;
    this.capacity = capacity;
  }

  set(row: number, value: number): void {
    if (this.values === undefined) {
      // Object.is(value, constant), without the call on every row (a million in W2, six columns).
      const c = this.constant;
      if (value === c ? value !== 0 || Object.is(value, c) : value !== value && c !== c) return;
      if (row === 0) {
        this.constant = value;
        return;
      }
      this.values = new Float64Array(this.capacity).fill(this.constant);
    }
    this.values[row] = value;
  }

  get(row: number): number {
    return this.values === undefined ? this.constant : this.values[row]!;
  }

  grow(capacity: number): void {
    this.capacity = capacity;
    if (this.values !== undefined) this.values = copyOf(this.values, capacity, this.constant);
  }
}

/**
 * A whole number per row, kept as an offset from the row while every row's value is its row plus
 * that offset (the names an importer numbers itself, 'job-1', 'job-2', ..., in file order): then a
 * Float64Array. Rows are set in order, each once.
 */
class CountingColumn {
  private offset = 0;
  private values: Float64Array | undefined;
  private capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  set(row: number, value: number): void {
    if (this.values === undefined) {
      if (row === 0) {
        this.offset = value;
        return;
      }
      if (value === row + this.offset) return;
      const values = new Float64Array(this.capacity);
      for (let r = 0; r < row; r++) values[r] = r + this.offset;
      this.values = values;
    }
    this.values[row] = value;
  }

  get(row: number): number {
    return this.values === undefined ? row + this.offset : this.values[row]!;
  }

  grow(capacity: number): void {
    this.capacity = capacity;
    if (this.values !== undefined) this.values = copyOf(this.values, capacity, 0);
  }
}

function copyOf(a: Float64Array, size: number, fill: number): Float64Array {
  const b = new Float64Array(size);
  if (fill !== 0) b.fill(fill);
  b.set(a.length <= size ? a : a.subarray(0, size));
  return b;
}

/** Names the trace importers number themselves ('job-<row>'), kept as the number (exact: no leading zeros, below 2^53). */
const NUMBERED = 'job-';

function numberedName(name: string): number {
  if (name.length <= NUMBERED.length || name.length > NUMBERED.length + 15 || !name.startsWith(NUMBERED)) return -1;
  const first = name.charCodeAt(NUMBERED.length);
  if (first === 48 && name.length > NUMBERED.length + 1) return -1; // a leading zero
  let n = 0;
  for (let i = NUMBERED.length; i < name.length; i++) {
    const c = name.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * One trace workload's jobs as columns (a million in W2): what a `TraceJobTemplate` of each row
 * holds, in typed arrays (submit time, devices, work, the number of an importer-numbered name) and
 * in columns that stay one value while every row has it (priority, share, host request, queue).
 * A row's template is made when asked (`template`): a fresh object with the fields, in the order,
 * that the loader's template had, so that the simulator holds one only while the job is read
 * (its submission, and from its start to its end), not for every job from the load on.
 */
export class TraceJobTable {
  length = 0;
  private capacity: number;
  /** Often one value for every row (a burst at t = 0). */
  private readonly submit: NumberColumn;
  private deviceCount: Float64Array;
  private work: Float64Array;
  /** The row's name as the number of 'job-<n>', or -1: then in `names`. Usually row + 1. */
  private readonly nameNumber: CountingColumn;
  private names: (string | undefined)[] | undefined;
  /** Per row its allowed kinds (its own array), when any row has them. */
  private kinds: (readonly number[] | undefined)[] | undefined;
  private readonly priorities: NumberColumn;
  /** The trace's share of a device (1000 = whole): `milli` when below 1000. */
  private readonly gpuMilli: NumberColumn;
  /** As given (NaN when absent): `cpuMilli` and `memoryMiB` when above 0. */
  private readonly cpuMilli: NumberColumn;
  private readonly memoryMiB: NumberColumn;
  /** The recorded run time (read when the trace's run times are fixed). */
  private readonly durationS: NumberColumn;
  /** NaN when the job has no queue. */
  private readonly queues: NumberColumn;

  constructor(
    /** The workload's name: every row's `source`. */
    readonly source: string,
    /** The workload's efficiency override: every row's. */
    readonly efficiency: number | undefined,
    /** Run times fixed (`runtime: fixed`): each row's `fixedRuntimeS` is its recorded run time. */
    readonly fixedRuntime: boolean,
    capacity: number,
  ) {
    this.capacity = Math.max(1, capacity);
    this.submit = new NumberColumn(0, this.capacity);
    this.deviceCount = new Float64Array(this.capacity);
    this.work = new Float64Array(this.capacity);
    this.nameNumber = new CountingColumn(this.capacity);
    this.priorities = new NumberColumn(0, this.capacity);
    this.gpuMilli = new NumberColumn(1000, this.capacity);
    this.cpuMilli = new NumberColumn(Number.NaN, this.capacity);
    this.memoryMiB = new NumberColumn(Number.NaN, this.capacity);
    this.durationS = new NumberColumn(Number.NaN, this.capacity);
    this.queues = new NumberColumn(Number.NaN, this.capacity);
  }

  /** Adds a row (the arguments are what the loader gave `TraceJobTemplate`'s constructor, before its conditions). */
  push(
    /** The name, or n for 'job-<n>'. */
    name: string | number,
    submitS: number,
    devices: number,
    usefulFlop: number,
    allowedKinds: readonly number[] | undefined,
    priority: number,
    gpuMilli: number,
    cpuMilli: number | undefined,
    memoryMiB: number | undefined,
    durationS: number,
    queue: number | undefined,
  ): void {
    const row = this.length;
    if (row === this.capacity) this.grow(2 * row);
    this.submit.set(row, submitS);
    this.deviceCount[row] = devices;
    this.work[row] = usefulFlop;
    const n = typeof name === 'number' ? name : numberedName(name);
    this.nameNumber.set(row, n);
    if (n < 0) (this.names ??= [])[row] = name as string;
    if (allowedKinds !== undefined) (this.kinds ??= [])[row] = allowedKinds;
    this.priorities.set(row, priority);
    this.gpuMilli.set(row, gpuMilli);
    this.cpuMilli.set(row, cpuMilli ?? Number.NaN);
    this.memoryMiB.set(row, memoryMiB ?? Number.NaN);
    if (this.fixedRuntime) this.durationS.set(row, durationS);
    this.queues.set(row, queue ?? Number.NaN);
    this.length = row + 1;
  }

  /** Gives back the room past the last row (a table sized for the rows before some were dropped). */
  trim(): void {
    if (this.capacity - this.length > this.capacity / 8) this.grow(Math.max(1, this.length));
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.submit.grow(capacity);
    this.deviceCount = copyOf(this.deviceCount, capacity, 0);
    this.work = copyOf(this.work, capacity, 0);
    this.nameNumber.grow(capacity);
    this.priorities.grow(capacity);
    this.gpuMilli.grow(capacity);
    this.cpuMilli.grow(capacity);
    this.memoryMiB.grow(capacity);
    this.durationS.grow(capacity);
    this.queues.grow(capacity);
  }

  submitS(row: number): number {
    return this.submit.get(row);
  }

  name(row: number): string {
    const n = this.nameNumber.get(row);
    return n >= 0 ? NUMBERED + n : this.names![row]!;
  }

  /**
   * Row `row`'s fields that the size estimate reads, written into `into` (one record reused for every
   * row) rather than a template: the estimate reads every job once, and a million templates, each
   * with its name made, were a tenth of loading W2.
   */
  fill(row: number, into: TraceRowFields): TraceRowFields {
    const gpuMilli = this.gpuMilli.get(row);
    into.submitS = this.submit.get(row);
    into.devices = this.deviceCount[row]!;
    into.usefulFlop = this.work[row]!;
    into.efficiency = this.efficiency;
    into.allowedKinds = this.kinds?.[row];
    into.milli = gpuMilli < 1000 ? gpuMilli : undefined;
    into.fixedRuntimeS = this.fixedRuntime ? this.durationS.get(row) : undefined;
    return into;
  }

  /** Row `row`'s template: a new object each time, with the loader's fields in its order. */
  template(row: number): TraceJobTemplate {
    const gpuMilli = this.gpuMilli.get(row);
    const cpuMilli = this.cpuMilli.get(row);
    const memoryMiB = this.memoryMiB.get(row);
    const queue = this.queues.get(row);
    return new TraceJobTemplate(
      this.name(row),
      this.submit.get(row),
      this.deviceCount[row]!,
      this.work[row]!,
      this.efficiency,
      this.kinds?.[row],
      this.priorities.get(row),
      this.source,
      gpuMilli < 1000 ? gpuMilli : undefined,
      cpuMilli > 0 ? cpuMilli : undefined,
      memoryMiB > 0 ? memoryMiB : undefined,
      this.fixedRuntime ? this.durationS.get(row) : undefined,
      Number.isNaN(queue) ? undefined : queue,
    );
  }
}
