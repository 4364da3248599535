// A CSV importer's jobs as columns rather than a TraceJob object each (a million rows in W2: the
// objects, their boxed numbers and their 'job-<row>' names were ~150 MB live until the scenario
// loader had read them all). What parseGenericCsv returns is made from them (`jobs`); the scenario
// loader reads them through `read` (one reused record) and never makes the objects.
import type { ImportRows } from './trace-options.js';
import type { TraceJob } from './types.js';

/** The rows of a job import in the import's order, as the scenario loader reads them. */
export interface TraceRowReader {
  readonly length: number;
  /** Row `k` as a TraceJob: for columns one record reused by every call (read it before the next). */
  read(k: number): TraceJob;
  /** n when row `k`'s id is 'job-<n>', numbered by the importer (its string not made yet), else -1. */
  numbered(k: number): number;
}

/** A TraceJob array as a TraceRowReader. */
export class JobArrayReader implements TraceRowReader {
  constructor(private readonly jobs: readonly TraceJob[]) {}
  get length(): number {
    return this.jobs.length;
  }
  read(k: number): TraceJob {
    return this.jobs[k]!;
  }
  numbered(): number {
    return -1;
  }
}

function grown(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/** The record `read` fills (its id made when asked). */
class RowRecord implements TraceJob {
  submitS = 0;
  durationS = 0;
  devices = 0;
  gpuMilli = 0;
  allowedModels: string[] | null = null;
  group: string | undefined = undefined;
  line = 0;
  /** @internal */ number = -1;
  /** @internal */ given: string | undefined = undefined;
  get id(): string {
    return this.given ?? `job-${this.number}`;
  }
}

export class CsvJobRows implements ImportRows {
  length = 0;
  private submit: Float64Array = new Float64Array(1024);
  private duration: Float64Array = new Float64Array(1024);
  private deviceCount: Float64Array = new Float64Array(1024);
  private milli: Float64Array = new Float64Array(1024);
  private lines: Float64Array = new Float64Array(1024);
  /** The data row n of an id 'job-<n>' the importer gave, or -1: then in `ids`. */
  private numbers: Float64Array = new Float64Array(1024);
  private ids: (string | undefined)[] | undefined;
  private models: (string[] | null)[] | undefined;
  private groups: (string | undefined)[] | undefined;
  /** Adds a row: `id` a string, or the data row n of 'job-<n>'. */
  push(id: string | number, submitS: number, durationS: number, devices: number, gpuMilli: number, allowedModels: string[] | null, group: string | undefined, line: number): void {
    const i = this.length;
    if (i === this.submit.length) {
      const size = 2 * i;
      this.submit = grown(this.submit, size);
      this.duration = grown(this.duration, size);
      this.deviceCount = grown(this.deviceCount, size);
      this.milli = grown(this.milli, size);
      this.lines = grown(this.lines, size);
      this.numbers = grown(this.numbers, size);
    }
    this.submit[i] = submitS;
    this.duration[i] = durationS;
    this.deviceCount[i] = devices;
    this.milli[i] = gpuMilli;
    this.lines[i] = line;
    if (typeof id === 'number') this.numbers[i] = id;
    else {
      this.numbers[i] = -1;
      (this.ids ??= [])[i] = id;
    }
    if (allowedModels !== null) (this.models ??= [])[i] = allowedModels;
    if (group !== undefined) (this.groups ??= [])[i] = group;
    this.length = i + 1;
  }

  submitS(i: number): number {
    return this.submit[i]!;
  }
  setSubmitS(i: number, s: number): void {
    this.submit[i] = s;
  }
  line(i: number): number {
    return this.lines[i]!;
  }
  id(i: number): string {
    const n = this.numbers[i]!;
    return n >= 0 ? `job-${n}` : this.ids![i]!;
  }
  setId(i: number, id: string): void {
    this.numbers[i] = -1;
    (this.ids ??= [])[i] = id;
  }

  /** The kept rows, `order` (finishRows'), read in that order. */
  reader(order: readonly number[]): CsvRowReader {
    return new CsvRowReader(this, order);
  }

  /** @internal */ fill(r: RowRecord, i: number): void {
    r.submitS = this.submit[i]!;
    r.durationS = this.duration[i]!;
    r.devices = this.deviceCount[i]!;
    r.gpuMilli = this.milli[i]!;
    r.allowedModels = this.models?.[i] ?? null;
    r.group = this.groups?.[i];
    r.line = this.lines[i]!;
    r.number = this.numbers[i]!;
    r.given = r.number >= 0 ? undefined : this.ids![i];
  }

  /** @internal */ numberOf(i: number): number {
    return this.numbers[i]!;
  }

  /** Row `i` as the object the CSV importer made for it. */
  job(i: number): TraceJob {
    const job: TraceJob = {
      id: this.id(i),
      submitS: this.submit[i]!,
      durationS: this.duration[i]!,
      devices: this.deviceCount[i]!,
      gpuMilli: this.milli[i]!,
      allowedModels: this.models?.[i] ?? null,
      line: this.lines[i]!,
    };
    const group = this.groups?.[i];
    if (group !== undefined) job.group = group;
    return job;
  }
}

/** The kept rows of a CsvJobRows in the import's order. */
export class CsvRowReader implements TraceRowReader {
  private readonly record = new RowRecord();

  constructor(
    private readonly rows: CsvJobRows,
    private readonly order: readonly number[],
  ) {}

  get length(): number {
    return this.order.length;
  }

  read(k: number): TraceJob {
    this.rows.fill(this.record, this.order[k]!);
    return this.record;
  }

  numbered(k: number): number {
    return this.rows.numberOf(this.order[k]!);
  }

  /** Every kept row as the CSV importer's object (parseGenericCsv's `jobs`). */
  jobs(): TraceJob[] {
    return this.order.map((i) => this.rows.job(i));
  }
}
