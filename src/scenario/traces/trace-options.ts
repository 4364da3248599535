// Options common to every importer and the one function that applies them, in a fixed order:
// normalise -> de-duplicate ids -> window -> sample -> timeScale -> maxJobs. Nothing is dropped silently.
import { TraceError } from './trace-error.js';
import type { SuspectRows } from './suspect-rows.js';
import type { TraceSkipSample } from './first-skipped.js';
import type { TraceImport, TraceJob, TraceSkip } from './types.js';

export interface TraceWindow {
  /** Keep jobs submitted at or after this offset (seconds from the trace origin). Default 0. */
  startS?: number;
  /** Keep jobs submitted strictly before this offset. Default: no end. */
  endS?: number;
}

export interface TraceOptions {
  /**
   * Keep jobs with startS <= submit < endS, offsets measured from the trace origin. Kept jobs are
   * re-based so that time 0 is `startS` (not the first kept job): an idle start stays idle.
   */
  window?: TraceWindow;
  /**
   * Keep a job when hash(seed, id) < sample. Deterministic and independent of row order; with one
   * seed a smaller fraction keeps a subset of a larger one.
   */
  sample?: number;
  /** Seed of the sample hash (the scenario seed). Default 0. */
  seed?: number | string;
  /** Multiplies submit offsets: 0.5 halves inter-arrival times, i.e. doubles the offered load. Durations are untouched. */
  timeScale?: number;
  /** Keep only the first N jobs in submit order, after the other options. */
  maxJobs?: number;
}

/** The option names used as keys of `filteredByOption`: the scenario's fields, as the user writes them (reports print them). */
export const FILTER_KEYS = ['window', 'sample', 'max_jobs'] as const;

/**
 * Deterministic uniform in [0, 1) from (seed, id): FNV-1a over the string, then the murmur3
 * finaliser so that ids differing in one digit land far apart. Stable across Node versions and
 * free of any random stream, so sampling a trace never shifts another stream's draws.
 */
export function sampleUnit(seed: number | string, id: string): number {
  const s = `${seed}\u0000${id}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function validateOptions(options: TraceOptions, file: string): void {
  const problems: string[] = [];
  const w = options.window;
  if (w !== undefined) {
    if (w.startS !== undefined && !Number.isFinite(w.startS)) problems.push(`window.start must be a finite number of seconds, got ${w.startS}`);
    if (w.endS !== undefined && Number.isNaN(w.endS)) problems.push(`window.end must be a number of seconds, got ${w.endS}`);
    if ((w.endS ?? Infinity) <= (w.startS ?? 0)) problems.push(`window.end (${w.endS} s) must be after window.start (${w.startS ?? 0} s)`);
  }
  if (options.sample !== undefined && !(options.sample >= 0 && options.sample <= 1)) {
    problems.push(`sample must be a fraction in [0, 1], got ${options.sample}`);
  }
  if (options.timeScale !== undefined && !(options.timeScale > 0 && Number.isFinite(options.timeScale))) {
    problems.push(`time_scale must be a positive number, got ${options.timeScale}`);
  }
  if (options.maxJobs !== undefined && !(Number.isInteger(options.maxJobs) && options.maxJobs >= 0)) {
    problems.push(`max_jobs must be a non-negative integer, got ${options.maxJobs}`);
  }
  if (problems.length > 0) throw new TraceError(file, 0, problems.join('; '));
}

export function countByReason(skipped: readonly TraceSkip[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}

/**
 * An importer's rows as finishImport reads and changes them: a parser's TraceJob objects, or a
 * parser's columns (csv-rows.ts), so that a million rows need not be a million objects.
 */
export interface ImportRows {
  readonly length: number;
  submitS(i: number): number;
  setSubmitS(i: number, s: number): void;
  line(i: number): number;
  id(i: number): string;
  setId(i: number, id: string): void;
}

/** A parser's TraceJob objects as ImportRows. */
class JobRows implements ImportRows {
  constructor(private readonly jobs: TraceJob[]) {}
  get length(): number {
    return this.jobs.length;
  }
  submitS(i: number): number {
    return this.jobs[i]!.submitS;
  }
  setSubmitS(i: number, s: number): void {
    this.jobs[i]!.submitS = s;
  }
  line(i: number): number {
    return this.jobs[i]!.line;
  }
  id(i: number): string {
    return this.jobs[i]!.id;
  }
  setId(i: number, id: string): void {
    this.jobs[i]!.id = id;
  }
}

/**
 * Turns a parser's jobs (submitS still on the trace's own clock) into a TraceImport.
 * `originS` is the earliest parseable submit time in the file, skipped rows included, so that
 * switching a row filter (includeCpuOnly, say) never moves every other job in time.
 */
export function finishImport(
  jobs: TraceJob[],
  originS: number,
  skipped: TraceSkip[],
  rows: number,
  source: string,
  options: TraceOptions,
  /** The importer made every id itself from the row number ('job-<row>'): no two can be equal. */
  idsDistinct = false,
): TraceImport {
  const { order, ...rest } = finishRows(new JobRows(jobs), originS, skipped, rows, source, options, idsDistinct);
  return { jobs: order.map((i) => jobs[i]!), ...rest };
}

/** finishImport on rows of any kind: `order` is the kept rows, in the import's order. */
export function finishRows(
  jobs: ImportRows,
  originS: number,
  skipped: TraceSkip[],
  rows: number,
  source: string,
  options: TraceOptions,
  idsDistinct = false,
  /** Rows kept but suspect, by index among `jobs`: told for those that window, sample and maxJobs keep. */
  suspectRows?: SuspectRows,
): Omit<TraceImport, 'jobs'> & { order: number[] } {
  validateOptions(options, source);
  const origin = Number.isFinite(originS) ? originS : 0;

  // Ids must be unique: the simulator keys jobs by id and the sample hash would treat twins alike.
  // A repeated id is still a recorded job (a resubmission, or a name reused): it is kept, renamed
  // deterministically to '<id>~2', '<id>~3', ... in file order (passing over names the trace
  // already uses), and counted in `renamedByReason`, so that no job is dropped for its name.
  // The set of the file's ids is made at the first repeat (none before it was renamed): most
  // traces have none, and a million ids cost a second set. Ids the importer numbered itself need
  // no set at all.
  let renamed = 0;
  // The first row renamed: its line, its id and the line of the row that had it first.
  let firstRenamed: TraceSkipSample | undefined;
  const n = jobs.length;
  // Made at its size, not by push (a million pushes grow it about 30 times: 0.1 s).
  let kept: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) kept[i] = i;
  if (idsDistinct) {
    // x - 0 is x for every double (-0 included).
    if (origin !== 0) for (let i = 0; i < n; i++) jobs.setSubmitS(i, jobs.submitS(i) - origin);
  } else {
    let ids: Set<string> | undefined;
    const seen = new Set<string>();
    const renames = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (seen.has(jobs.id(i))) {
        if (ids === undefined) {
          ids = new Set<string>();
          for (let k = 0; k < n; k++) ids.add(jobs.id(k));
        }
        const fileIds = ids;
        const id = jobs.id(i);
        jobs.setId(i, freeName(id, renames, (m) => fileIds.has(m) || seen.has(m)));
        if (renamed === 0) {
          let k = 0;
          while (jobs.id(k) !== id) k++;
          firstRenamed = { line: jobs.line(i), detail: `${id}, as at line ${jobs.line(k)}: kept as ${jobs.id(i)}` };
        }
        renamed++;
      }
      seen.add(jobs.id(i));
      jobs.setSubmitS(i, jobs.submitS(i) - origin);
    }
  }
  // Total order: submit time, then source line, so equal submit times keep file order.
  if (!inOrder(jobs, kept)) kept.sort((a, b) => jobs.submitS(a) - jobs.submitS(b) || jobs.line(a) - jobs.line(b));
  skipped.sort((a, b) => a.line - b.line);

  const filteredByOption: Record<string, number> = { window: 0, sample: 0, max_jobs: 0 };
  if (options.window !== undefined) {
    const startS = options.window.startS ?? 0;
    const endS = options.window.endS ?? Infinity;
    const inside = kept.filter((j) => jobs.submitS(j) >= startS && jobs.submitS(j) < endS);
    filteredByOption.window = kept.length - inside.length;
    for (const j of inside) jobs.setSubmitS(j, jobs.submitS(j) - startS);
    kept = inside;
  }
  if (options.sample !== undefined && options.sample < 1) {
    const fraction = options.sample;
    const seed = options.seed ?? 0;
    const sampled = kept.filter((j) => sampleUnit(seed, jobs.id(j)) < fraction);
    filteredByOption.sample = kept.length - sampled.length;
    kept = sampled;
  }
  if (options.timeScale !== undefined && options.timeScale !== 1) {
    for (const j of kept) jobs.setSubmitS(j, jobs.submitS(j) * options.timeScale);
  }
  if (options.maxJobs !== undefined && kept.length > options.maxJobs) {
    filteredByOption.max_jobs = kept.length - options.maxJobs;
    kept = kept.slice(0, options.maxJobs);
  }
  const suspect = suspectRows?.keptOf(kept, jobs);
  return {
    order: kept,
    skipped,
    skippedByReason: countByReason(skipped),
    filteredByOption,
    renamedByReason: renamed > 0 ? { [DUPLICATE_ID]: renamed } : {},
    ...(firstRenamed !== undefined ? { firstRenamed: { [DUPLICATE_ID]: firstRenamed } } : {}),
    ...suspect,
    source,
    rows,
  };
}

/**
 * Whether the rows are already in (submit time, line) order, so that sorting them would change
 * nothing (a sort with a comparator over a million rows is about a second; most traces come sorted).
 */
function inOrder(jobs: ImportRows, order: readonly number[]): boolean {
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    const d = jobs.submitS(a) - jobs.submitS(b);
    if (!(d < 0 || (d === 0 && jobs.line(a) - jobs.line(b) < 0))) return false;
  }
  return true;
}

/** The reason under which repeated ids are counted in `renamedByReason`. */
export const DUPLICATE_ID = 'duplicate id';

/**
 * `<id>~k` for the smallest k >= 2 (above any k handed out for this id before) that `taken` does
 * not hold. `next` remembers the last k per id, so n repeats of one id cost O(n), not O(n^2).
 */
export function freeName(id: string, next: Map<string, number>, taken: (name: string) => boolean): string {
  let k = next.get(id) ?? 2;
  while (taken(`${id}~${k}`)) k++;
  next.set(id, k + 1);
  return `${id}~${k}`;
}
