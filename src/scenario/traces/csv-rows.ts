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

/**
 * Columns are kept in blocks of BLOCK rows, so that a million rows are never copied to grow (an
 * array doubled as it fills allocates, zeroes and copies about twice what it ends with, six times
 * over: 0.1-0.2 s of W2's loading). The first block doubles from 1,024 rows up to BLOCK, so a
 * small trace stays small. Row i is at [i >>> BLOCK_BITS][i & BLOCK_MASK].
 */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK - 1;
const FIRST_BLOCK = 1024;

function grownF64(a: Float64Array | undefined, size: number): Float64Array {
  const b = new Float64Array(size);
  if (a !== undefined) b.set(a);
  return b;
}

function grownI32(a: Int32Array | undefined, size: number): Int32Array {
  const b = new Int32Array(size);
  if (a !== undefined) b.set(a);
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

/**
 * A CsvJobRows and its row order as plain data for another thread (trace-prefetch.ts): the
 * columns' blocks go as they are (their buffers transferred, not copied). Only rows of numbers: a
 * trace with ids, allowed models or groups of its own is not handed over (`parts` says so).
 */
export interface CsvRowParts {
  length: number;
  capacity: number;
  submit: Float64Array[];
  duration: Float64Array[];
  deviceCount: Float64Array[];
  milli: Int32Array[];
  lines: Int32Array[];
  numbers: Int32Array[];
  order: Int32Array;
}

/**
 * The rows' number columns where they stand, for a reader that walks every row (the scenario
 * loader's table of a trace of numbers only): row i of the import is order[i], its fields at
 * [order[i] >>> ROW_BLOCK_BITS][order[i] & ROW_BLOCK_MASK] of each column; `numbers` is n of an
 * id 'job-<n>' the importer gave (every row has one: a trace with ids of its own has no columns).
 */
export interface CsvRowColumns {
  readonly order: ArrayLike<number>;
  readonly submit: readonly Float64Array[];
  readonly duration: readonly Float64Array[];
  readonly deviceCount: readonly Float64Array[];
  readonly milli: readonly Int32Array[];
  readonly lines: readonly Int32Array[];
  readonly numbers: readonly Int32Array[];
}

export const ROW_BLOCK_BITS = BLOCK_BITS;
export const ROW_BLOCK_MASK = BLOCK_MASK;

export class CsvJobRows implements ImportRows {
  length = 0;
  /** Rows the blocks have room for. */
  private capacity = 0;
  private readonly submit: Float64Array[] = [];
  private readonly duration: Float64Array[] = [];
  private readonly deviceCount: Float64Array[] = [];
  /** Whole thousandths of a device, 0 to 1000. */
  private readonly milli: Int32Array[] = [];
  /** Lines of a file of at most MAX_INPUT_BYTES (256 MiB): below 2^31. */
  private readonly lines: Int32Array[] = [];
  /** The data row n of an id 'job-<n>' the importer gave (below 2^31, as lines), or -1: then in `ids`. */
  private readonly numbers: Int32Array[] = [];
  private ids: (string | undefined)[] | undefined;
  private models: (string[] | null)[] | undefined;
  private groups: (string | undefined)[] | undefined;
  /** Adds a row: `id` a string, or the data row n of 'job-<n>'. */
  push(id: string | number, submitS: number, durationS: number, devices: number, gpuMilli: number, allowedModels: string[] | null, group: string | undefined, line: number): void {
    const i = this.length;
    if (i === this.capacity) this.grow();
    const b = i >>> BLOCK_BITS;
    const k = i & BLOCK_MASK;
    this.submit[b]![k] = submitS;
    this.duration[b]![k] = durationS;
    this.deviceCount[b]![k] = devices;
    this.milli[b]![k] = gpuMilli;
    this.lines[b]![k] = line;
    if (typeof id === 'number') this.numbers[b]![k] = id;
    else {
      this.numbers[b]![k] = -1;
      (this.ids ??= [])[i] = id;
    }
    if (allowedModels !== null) (this.models ??= [])[i] = allowedModels;
    if (group !== undefined) (this.groups ??= [])[i] = group;
    this.length = i + 1;
  }

  private grow(): void {
    if (this.capacity < BLOCK) {
      const size = this.capacity === 0 ? FIRST_BLOCK : 2 * this.capacity;
      this.submit[0] = grownF64(this.submit[0], size);
      this.duration[0] = grownF64(this.duration[0], size);
      this.deviceCount[0] = grownF64(this.deviceCount[0], size);
      this.milli[0] = grownI32(this.milli[0], size);
      this.lines[0] = grownI32(this.lines[0], size);
      this.numbers[0] = grownI32(this.numbers[0], size);
      this.capacity = size;
    } else {
      this.submit.push(new Float64Array(BLOCK));
      this.duration.push(new Float64Array(BLOCK));
      this.deviceCount.push(new Float64Array(BLOCK));
      this.milli.push(new Int32Array(BLOCK));
      this.lines.push(new Int32Array(BLOCK));
      this.numbers.push(new Int32Array(BLOCK));
      this.capacity += BLOCK;
    }
  }

  submitS(i: number): number {
    return this.submit[i >>> BLOCK_BITS]![i & BLOCK_MASK]!;
  }
  setSubmitS(i: number, s: number): void {
    this.submit[i >>> BLOCK_BITS]![i & BLOCK_MASK] = s;
  }
  line(i: number): number {
    return this.lines[i >>> BLOCK_BITS]![i & BLOCK_MASK]!;
  }
  id(i: number): string {
    const n = this.numberOf(i);
    return n >= 0 ? `job-${n}` : this.ids![i]!;
  }
  setId(i: number, id: string): void {
    this.numbers[i >>> BLOCK_BITS]![i & BLOCK_MASK] = -1;
    (this.ids ??= [])[i] = id;
  }

  /** The kept rows, `order` (finishRows'), read in that order. */
  reader(order: ArrayLike<number>): CsvRowReader {
    return new CsvRowReader(this, order);
  }

  /** The columns and `order` as CsvRowParts, or undefined when a row has a string or list of its own. */
  parts(order: ArrayLike<number>): CsvRowParts | undefined {
    if (this.ids !== undefined || this.models !== undefined || this.groups !== undefined) return undefined;
    return {
      length: this.length,
      capacity: this.capacity,
      submit: this.submit,
      duration: this.duration,
      deviceCount: this.deviceCount,
      milli: this.milli,
      lines: this.lines,
      numbers: this.numbers,
      order: Int32Array.from(order),
    };
  }

  /** The columns with `order`, or undefined when a row has an id, models or a group of its own. */
  columns(order: ArrayLike<number>): CsvRowColumns | undefined {
    if (this.ids !== undefined || this.models !== undefined || this.groups !== undefined) return undefined;
    return { order, submit: this.submit, duration: this.duration, deviceCount: this.deviceCount, milli: this.milli, lines: this.lines, numbers: this.numbers };
  }

  /** The rows `parts` gave, read in their order. */
  static fromParts(p: CsvRowParts): CsvRowReader {
    const rows = new CsvJobRows();
    rows.length = p.length;
    rows.capacity = p.capacity;
    rows.submit.push(...p.submit);
    rows.duration.push(...p.duration);
    rows.deviceCount.push(...p.deviceCount);
    rows.milli.push(...p.milli);
    rows.lines.push(...p.lines);
    rows.numbers.push(...p.numbers);
    return rows.reader(p.order);
  }

  /** @internal */ fill(r: RowRecord, i: number): void {
    const b = i >>> BLOCK_BITS;
    const k = i & BLOCK_MASK;
    r.submitS = this.submit[b]![k]!;
    r.durationS = this.duration[b]![k]!;
    r.devices = this.deviceCount[b]![k]!;
    r.gpuMilli = this.milli[b]![k]!;
    r.allowedModels = this.models?.[i] ?? null;
    r.group = this.groups?.[i];
    r.line = this.lines[b]![k]!;
    r.number = this.numbers[b]![k]!;
    r.given = r.number >= 0 ? undefined : this.ids![i];
  }

  /** @internal */ numberOf(i: number): number {
    return this.numbers[i >>> BLOCK_BITS]![i & BLOCK_MASK]!;
  }

  /** Row `i` as the object the CSV importer made for it. */
  job(i: number): TraceJob {
    const b = i >>> BLOCK_BITS;
    const k = i & BLOCK_MASK;
    const job: TraceJob = {
      id: this.id(i),
      submitS: this.submit[b]![k]!,
      durationS: this.duration[b]![k]!,
      devices: this.deviceCount[b]![k]!,
      gpuMilli: this.milli[b]![k]!,
      allowedModels: this.models?.[i] ?? null,
      line: this.lines[b]![k]!,
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
    private readonly order: ArrayLike<number>,
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
    return Array.from(this.order, (i) => this.rows.job(i));
  }

  /** The rows' columns (CsvJobRows.columns), or undefined. */
  columns(): CsvRowColumns | undefined {
    return this.rows.columns(this.order);
  }

  /** The rows as CsvRowParts (CsvJobRows.parts), or undefined. */
  parts(): CsvRowParts | undefined {
    return this.rows.parts(this.order);
  }
}
