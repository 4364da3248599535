// The neutral records every trace importer produces, whatever the source format: jobs with
// submit offsets and recorded run times, optional node lists, and an account of every row dropped.
import type { TraceSkipSample } from './first-skipped.js';

/** One job as recorded by a trace. Times are seconds; `submitS` is relative to the trace origin. */
export interface TraceJob {
  /** The trace's job/pod name, or a synthetic id ('philly-<data row>') where the trace has none. */
  id: string;
  /** Seconds from the trace origin (earliest parseable submit time), or from `window.startS`. */
  submitS: number;
  /** Run time as recorded: used as the job's duration on its reference device. */
  durationS: number;
  /** Whole devices; a fractional single-GPU share counts as 1. */
  devices: number;
  /** Share of each device, 1000 = whole. Below 1000 only for a fractional single-GPU pod. */
  gpuMilli: number;
  /** Device models the job may run on (Alibaba gpu_spec split on '|'); null = any. */
  allowedModels: string[] | null;
  /** QoS class (Alibaba). */
  qos?: string;
  /** Virtual cluster (Philly) or the mapped group column (generic CSV). */
  group?: string;
  cpuMilli?: number;
  memoryMiB?: number;
  /** 1-based line in the source file where the record starts. */
  line: number;
}

export interface TraceNode {
  id: string;
  devices: number;
  /** The trace's GPU model name (Alibaba: G2, T4, V100M16, ...); null when the trace leaves it empty. */
  model: string | null;
  cpuMilli?: number;
  memoryMiB?: number;
  line: number;
}

/**
 * A row the importer could not or would not turn into a record. `reason` is a fixed category
 * (it keys `skippedByReason`); `detail` carries the offending value for people, and `column` the
 * file's name of the column it was read from, where the reason names a mapping key rather than the
 * column ('bad devices' read from a column 'gpus').
 */
export interface TraceSkip {
  line: number;
  reason: string;
  detail?: string;
  column?: string;
  /** What the column should have held, where the value alone does not say (a time in another form). */
  expected?: string;
}

/**
 * The result of importing one trace. Every data row is accounted for exactly once:
 * rows === jobs.length + skipped.length + sum(filteredByOption).
 * Blank lines are not rows.
 */
export interface TraceImport {
  jobs: TraceJob[];
  nodes?: TraceNode[];
  skipped: TraceSkip[];
  skippedByReason: Record<string, number>;
  /** Valid jobs dropped by window / sample / max_jobs, per option name (the scenario field's). */
  filteredByOption: Record<string, number>;
  /** Jobs kept under a new id (a repeated id becomes '<id>~2', ...), by reason. */
  renamedByReason?: Record<string, number>;
  /** The first job of each reason of `renamedByReason`: its line, and its id with where it was met before and its new name. */
  firstRenamed?: Record<string, TraceSkipSample>;
  /**
   * Times in the jobs kept that were kept as read but are suspect (a start before the submit, a
   * local time the zone's clock skipped or showed twice), by reason: the reason says how each was
   * read (suspect-rows.ts). Absent when there is none.
   */
  suspectByReason?: Record<string, number>;
  /** The first row of each reason of `suspectByReason`: its line, column and value as read. */
  firstSuspect?: Record<string, TraceSkipSample>;
  /** File name or label the jobs came from. */
  source: string;
  /** Data rows in the job file (header and blank lines excluded). */
  rows: number;
  /**
   * The file gives job sizes but no times (an openb pod list without time columns): every job is
   * at 0 s with durationS 0. A fill can draw from it; a run cannot.
   */
  untimed?: true;
  /** The column jobs' `group` was read from, where the importer knows it by name (Philly: cluster or vc). */
  groupColumn?: string;
  /** Node list accounting, when a node list was given: rows === nodes.length + nodeSkipped.length. */
  nodeSource?: string;
  nodeRows?: number;
  nodeSkipped?: TraceSkip[];
  nodeSkippedByReason?: Record<string, number>;
}

/** Node list on its own (Alibaba node CSV). */
export interface TraceNodeImport {
  nodes: TraceNode[];
  skipped: TraceSkip[];
  skippedByReason: Record<string, number>;
  source: string;
  rows: number;
}
