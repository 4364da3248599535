// A scenario's listed and trace jobs in listing order, without a template object per trace job:
// listed jobs are their templates, a trace workload's jobs a TraceJobTable (columns) whose row's
// template is made when asked. `ResolvedScenario.jobs` is this list's templates, made at the first
// read of it (and kept); the simulator and the size estimate read the list itself, so that a run
// holds a trace job's template only while it reads the job (W2: a million jobs, ~180 B each).
import type { JobTemplate } from './job.js';
import { TraceJobTable, TraceRowFields, type JobSizeFields } from './trace-job-template.js';

type Part = readonly JobTemplate[] | TraceJobTable;

/** Jobs in a row of one part: `part[from .. to)` (row numbers for a table). */
interface Range {
  readonly part: Part;
  readonly from: number;
  readonly to: number;
}

/** Rows of several parts read as one sequence (the jobs of one source). */
export class JobSeq {
  private readonly starts: number[] = [];
  private readonly ranges: Range[] = [];
  length = 0;

  /** @internal */ add(part: Part, from: number, to: number): void {
    const last = this.ranges[this.ranges.length - 1];
    if (last !== undefined && last.part === part && last.to === from) this.ranges[this.ranges.length - 1] = { part, from: last.from, to };
    else {
      this.starts.push(this.length);
      this.ranges.push({ part, from, to });
    }
    this.length += to - from;
  }

  /** Entry `i`: a listed job's template, or a trace row's made now. */
  at(i: number): JobTemplate {
    const j = rangeOf(this.starts, i);
    const r = this.ranges[j]!;
    const k = r.from + i - this.starts[j]!;
    return r.part instanceof TraceJobTable ? r.part.template(k) : r.part[k]!;
  }

  /** Entry `i`'s size fields: a listed job's template, or a trace row's written into one record (read it before the next call). */
  fieldsAt(i: number): JobSizeFields {
    const j = rangeOf(this.starts, i);
    const r = this.ranges[j]!;
    const k = r.from + i - this.starts[j]!;
    return r.part instanceof TraceJobTable ? r.part.fill(k, this.fields) : r.part[k]!;
  }

  private readonly fields = new TraceRowFields();
}

/** The last start at or below `i`. */
function rangeOf(starts: readonly number[], i: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class JobList {
  private readonly parts: Part[] = [];
  private readonly starts: number[] = [];
  private count = 0;
  private made: JobTemplate[] | undefined;
  /** Where the last lookup landed (the simulator reads the list in order). */
  private lastPart = 0;

  /** A list of these templates (used as they are). */
  static of(templates: readonly JobTemplate[]): JobList {
    const list = new JobList();
    list.addTemplates(templates);
    return list;
  }

  get length(): number {
    return this.count;
  }

  /** Appends listed jobs (their templates). */
  addTemplates(templates: readonly JobTemplate[]): void {
    if (templates.length === 0) return;
    this.add(templates, templates.length);
  }

  /** Appends a trace workload's table. */
  addTable(table: TraceJobTable): void {
    if (table.length === 0) return;
    this.add(table, table.length);
  }

  private add(part: Part, n: number): void {
    if (this.made) throw new Error('internal: a job list grew after its templates were made');
    this.starts.push(this.count);
    this.parts.push(part);
    this.count += n;
  }

  /** Whether `templates` has been read: the list's entries are then those objects. */
  get materialized(): boolean {
    return this.made !== undefined;
  }

  /** Every entry as a template, made at the first call and kept (`ResolvedScenario.jobs`). */
  templates(): readonly JobTemplate[] {
    if (this.made) return this.made;
    const out: JobTemplate[] = [];
    for (const part of this.parts) {
      if (part instanceof TraceJobTable) for (let r = 0; r < part.length; r++) out.push(part.template(r));
      else for (const t of part) out.push(t);
    }
    this.made = out;
    return out;
  }

  private partOf(i: number): number {
    const starts = this.starts;
    let p = this.lastPart;
    if (p < starts.length && starts[p]! <= i && (p + 1 === starts.length || i < starts[p + 1]!)) return p;
    p = rangeOf(starts, i);
    this.lastPart = p;
    return p;
  }

  /** Entry `i`'s submit time. */
  submitS(i: number): number {
    if (this.made) return this.made[i]!.submitS;
    const p = this.partOf(i);
    const part = this.parts[p]!;
    const k = i - this.starts[p]!;
    return part instanceof TraceJobTable ? part.submitS(k) : part[k]!.submitS;
  }

  /** Entry `i`'s name. */
  name(i: number): string {
    if (this.made) return this.made[i]!.name;
    const p = this.partOf(i);
    const part = this.parts[p]!;
    const k = i - this.starts[p]!;
    return part instanceof TraceJobTable ? part.name(k) : part[k]!.name;
  }

  /** Entry `i`'s template: a listed job's (or one `templates` made), else a trace row's made now. */
  at(i: number): JobTemplate {
    if (this.made) return this.made[i]!;
    const p = this.partOf(i);
    const part = this.parts[p]!;
    const k = i - this.starts[p]!;
    return part instanceof TraceJobTable ? part.template(k) : part[k]!;
  }

  /** The table entry `i` is a row of, while templates are made when asked (else undefined). */
  tableOf(i: number): TraceJobTable | undefined {
    if (this.made) return undefined;
    const part = this.parts[this.partOf(i)]!;
    return part instanceof TraceJobTable ? part : undefined;
  }

  /** Entry `i`'s row in its part. */
  rowOf(i: number): number {
    return i - this.starts[this.partOf(i)]!;
  }

  /** The entries grouped by `source`, each group in list order, groups in order of first appearance. */
  bySource(): Map<string, JobSeq> {
    const out = new Map<string, JobSeq>();
    const seqOf = (source: string): JobSeq => {
      let s = out.get(source);
      if (!s) out.set(source, (s = new JobSeq()));
      return s;
    };
    const parts: readonly Part[] = this.made ? [this.made] : this.parts;
    for (const part of parts) {
      if (part instanceof TraceJobTable) seqOf(part.source).add(part, 0, part.length);
      else for (let k = 0; k < part.length; k++) seqOf(part[k]!.source).add(part, k, k + 1);
    }
    return out;
  }
}

const lists = new WeakMap<object, JobList>();

/**
 * Gives `resolved` a `jobs` property that is `list`'s templates, made at its first read, and
 * remembers the list for `jobListOf`. Assigning `jobs` replaces it (and the list is then forgotten).
 */
export function defineJobs<T extends object>(resolved: T, list: JobList): T & { readonly jobs: readonly JobTemplate[] } {
  lists.set(resolved, list);
  Object.defineProperty(resolved, 'jobs', {
    enumerable: true,
    configurable: true,
    get: () => list.templates(),
    set(value: readonly JobTemplate[]) {
      lists.delete(resolved);
      Object.defineProperty(resolved, 'jobs', { value, enumerable: true, configurable: true, writable: true });
    },
  });
  return resolved as T & { readonly jobs: readonly JobTemplate[] };
}

/**
 * The job list behind `resolved.jobs`: the loader's (templates made when asked), or, for a
 * scenario object made otherwise (a copy, a literal), a list of its `jobs` as they are.
 */
export function jobListOf(resolved: { readonly jobs: readonly JobTemplate[] }): JobList {
  return lists.get(resolved) ?? JobList.of(resolved.jobs);
}
