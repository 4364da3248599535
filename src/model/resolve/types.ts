// What loading a scenario gives (model/load-scenario.ts), and how the loader reaches the files a
// scenario names. The section resolvers in this folder each fill a part of it.
import type { TextPieces } from '../../scenario/traces/index.js';
import type { TraceSkipSample } from '../../scenario/traces/first-skipped.js';
import type { ClusterShape } from '../cluster.js';
import type { JobTemplate } from '../job.js';
import type { InterDcLink } from '../network/topology.js';
import type { InputIssue, SourceMap } from '../../scenario/errors.js';
import type { GeneratorSpec, Scenario } from '../../scenario/schema.js';
import type { ResolvedService } from '../inference/resolve-services.js';
import type { Tenants } from '../tenants.js';
import type { SizeEstimate } from '../size-estimate.js';

/** Why a trace job was renamed when its id was taken by another workload (TraceReport.renamedByReason). */
export const ID_USED_ELSEWHERE = 'id used by another workload';

export interface GeneratorSource {
  readonly name: string;
  readonly spec: GeneratorSpec;
  readonly allowedKinds: readonly number[] | undefined;
  /** Per-device useful FLOP/s by kind from the throughput matrix (job_type), else absent. */
  readonly kindRate?: readonly number[];
  /** Kind whose peak x efficiency converts a duration into work. */
  readonly referenceKind: number | undefined;
  /** Tenant queue index of its jobs (scenarios with tenants). */
  readonly queue?: number;
}

/** A scenario checked against the catalogue, with names resolved to indices. */
export interface ResolvedScenario {
  readonly scenario: Scenario;
  readonly file: string;
  /**
   * The folder relative paths in the scenario were read against (LoadOptions.baseDir), when one was
   * given: runScenarioWithPolicies loads plug-in modules from it too, so that a scenario built in
   * code with `{ baseDir }` finds its module files where it found its traces.
   */
  readonly baseDir?: string;
  readonly shape: ClusterShape;
  readonly jobs: readonly JobTemplate[];
  readonly generators: readonly GeneratorSource[];
  /** Locates later semantic problems (policy parameters) in the file. */
  readonly src: SourceMap;
  readonly interDc: readonly InterDcLink[];
  readonly transfers: readonly TransferPlan[];
  /** What each trace (job or node list) contributed and what was dropped, by reason. */
  readonly traceReports: readonly TraceReport[];
  /** Inference services (model/inference/resolve-services.ts). */
  readonly services: readonly ResolvedService[];
  /**
   * Legal but worth knowing, located like problems (uneven pipeline stages, a layout that fills a
   * device's memory, kinds a job's model does not fit on): `run` and `validate` print them.
   */
  readonly warnings: readonly InputIssue[];
  /** The run's estimated size (memory, events), checked against the memory limit when loaded. */
  readonly size: SizeEstimate;
  /** Tenant queues and cohorts (model/tenants.ts), when the scenario defines them. */
  readonly tenants?: Tenants;
  /**
   * The seed that chose the jobs of a trace's `sample` without its own `sample_seed` (LoadOptions.seed,
   * else the file's `seed`): a run of another seed needs the scenario loaded again with its seed.
   * Undefined when no trace draws such a sample (none, or each pinned by `sample_seed`).
   */
  readonly traceSampleSeed?: number;
}

export interface TransferPlan {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly bytes: number;
  readonly startS: number;
  /** Starts when this job finishes. */
  readonly after: string | undefined;
  /** This job waits for the transfer. */
  readonly before: string | undefined;
  /** Parallel connections, each capped at a link's window / RTT. */
  readonly connections: number;
}

/** How the loader reaches files a scenario names (traces); the CLI passes the file system. */
export interface LoadOptions {
  /** Reads a file given its path as resolved against `baseDir`. */
  readFile?: (path: string) => string;
  /**
   * Reads a trace file in pieces (readInputPieces), so that it is never one string; traces are
   * read with readFile without it. Throws as readFile does, and its pieces may throw the same.
   */
  readPieces?: (path: string) => TextPieces;
  /** Folder that relative paths in the scenario are relative to (the scenario file's). */
  baseDir?: string;
  /**
   * Memory a run may use (bytes); the default is memoryLimit()'s (model/size-estimate.ts). A run
   * estimated to need more is refused, as is one of more than MAX_EVENTS events.
   */
  maxMemoryBytes?: number;
  /**
   * Accept traces that list job sizes but no times (TraceImport.untimed): a fill draws pods from
   * them (every pod at 0 s, with no work). Everything that simulates time refuses them.
   */
  allowUntimed?: boolean;
  /**
   * The seed of the run the scenario is loaded for (`run --seed`, an experiment's seed): it chooses
   * the jobs a trace's `sample` keeps, unless the trace pins them with `sample_seed`, so that each
   * seed of an experiment replays a sample of its own. The file's `seed` when absent.
   */
  seed?: number;
}

/** What importing a trace kept and dropped, for the user to see (never a silent drop). */
export interface TraceReport {
  readonly workload: string;
  /** What the file's rows became: jobs (a workload's trace) or nodes (a data centre's node list). */
  readonly kind: 'jobs' | 'nodes';
  readonly source: string;
  readonly rows: number;
  /** Rows used: jobs for a job trace, nodes for a node list. */
  readonly jobs: number;
  /** Rows skipped by the importer or by the scenario's mapping, by reason. */
  readonly skippedByReason: Record<string, number>;
  /** The first row skipped for each reason of `skippedByReason`: its line in the file and the offending value. */
  readonly firstSkipped: Record<string, TraceSkipSample>;
  /** Valid jobs dropped by window / sample / max_jobs. */
  readonly filteredByOption: Record<string, number>;
  /** Jobs kept under a new name because their id was taken (by the trace itself or another workload), by reason. */
  readonly renamedByReason: Record<string, number>;
  /** The first job of each reason of `renamedByReason`: its line, old and new name. */
  readonly firstRenamed?: Record<string, TraceSkipSample>;
  /**
   * Times in the jobs used that were kept as read but are suspect (a start before the submit, a
   * local time the zone's clock skipped or showed twice), by reason: the reason says how each was read.
   */
  readonly suspectByReason: Record<string, number>;
  /** The first row of each reason of `suspectByReason`: its line, column and value. */
  readonly firstSuspect: Record<string, TraceSkipSample>;
  /** The seed a `sample` without `sample_seed` was drawn with: the load's (each run's seed keeps other rows). Absent when not sampled, or pinned. */
  readonly sampleSeed?: number;
}

