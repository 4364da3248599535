// Runs simulations over a pool of worker threads; a single run is a pool of one. Each worker is
// long-lived (its start-up is paid once, not per run) and has its own watchdog slot
// (policy-watch.ts), so a plug-in policy call that never returns stops the runs with the same error
// whichever command started them. Results are handed back by run index, never in completion order:
// the output is the same whatever the number of workers. Workers are always terminated, and awaited,
// before the pool's promise settles.
import { getHeapStatistics } from 'node:v8';
import type { Worker } from 'node:worker_threads';
import type { InputIssue } from '../scenario/errors.js';
import type { ServiceRow } from '../sim/inference/service-rows.js';
import type { JobRow, SummaryRow } from '../sim/metrics.js';
import type { RunResult } from '../sim/simulation.js';
import type { HotLink } from '../sim/link-ledger.js';
import type { OutputName, OutputRequest } from './output-sinks.js';
import { formatJobRowBatch, formatJobRowBatchBytes, type JobRowBatch } from './job-row-batch.js';
import { Activity, PolicyTimeoutError, readWatch } from './policy-watch.js';
import { readProgress, type ProgressSnapshot } from './run-progress.js';
import { freeRowSlot } from './row-slots.js';
import type { WorkerPolicyOverride } from './run-in-worker.js';
import { startPoolWorker, takeSpareWorker } from './spare-worker.js';
import { errorFromWorker, WorkerExitError } from './worker-errors.js';
import type { TraceReport } from '../model/load-scenario.js';
import type { PolicyRef } from '../scenario/schema.js';
import { prefetchTransfer } from '../scenario/traces/prefetch-transfer.js';
import type { PrefetchedTrace } from '../scenario/traces/trace-prefetch.js';
import type { Explanation } from '../model/explain.js';

export interface PoolWorkerData {
  watch: SharedArrayBuffer;
  /** Where the worker publishes the current run's progress (run-progress.ts). */
  progress: SharedArrayBuffer;
  /** Which of the worker's row slots hold a jobs.csv batch not yet formatted (row-slots.ts). */
  rowSlots: SharedArrayBuffer;
}

/** One simulation to run. */
export interface PoolRequest {
  index: number;
  scenarioText: string;
  scenarioFile: string;
  /** Plug-in module paths in the scenario are relative to this (the scenario file's folder by default). */
  scenarioDir?: string;
  /** The scenario's own seed when absent. */
  seed?: number;
  policy?: WorkerPolicyOverride;
  placement?: WorkerPolicyOverride;
  /** Return this job's row (`--job`). */
  jobName?: string;
  /** Return every job row (jobs.csv, queueing-delay CDFs). */
  jobRows?: boolean;
  /** Return the run's busiest links and their heaviest users (hot_links.csv). */
  hotLinks?: boolean;
  /** Stream the run's result files (output-sinks.ts) back as 'chunk' replies. */
  outputs?: OutputRequest;
  /** After loading, report the scenario ('loaded') and wait for the pool's go-ahead before simulating. */
  awaitGo?: boolean;
  /** Memory the run may use (`--max-memory`): the loader's limit, and the workers' heap when it is above their default. */
  maxMemoryBytes?: number;
  /** The scenario's traces, imported already by the pool's thread (trace-prefetch.ts); their columns are transferred with the request. */
  prefetched?: PrefetchedTrace[];
  /**
   * Instead of simulating, explain this listed job (`poolsim explain`: experiment/explain-job.ts),
   * its placement asked under the watchdog; answered 'explained' (onExplained), with no RunOutcome.
   */
  explain?: { job: string; linksDown: string[] };
}

/** What a worker learnt from loading a request's scenario and policies. */
export interface LoadedRun {
  scenario: string;
  /** scenarioFingerprint() of the text and every file it read. */
  fingerprint: string;
  /** The files it read (LoadedScenario.inputs). */
  inputs: string[];
  seed: number;
  queueName: string;
  placementName: string;
  /** The policies as written (scenario or override), with parameters: what a manifest records. */
  policy: PolicyRef;
  placement: PolicyRef;
  traceReports: TraceReport[];
  /** The scenario's warnings, formatted (file:line:col: path: message), then policyWarnings. */
  warnings: string[];
  /** The policies' own warnings and notes among `warnings` (policy-warnings.ts). */
  policyWarnings: string[];
  /** The files the run will stream back, in order (with `outputs`). */
  files: OutputName[];
  /** Training jobs the run is expected to have (the size estimate's), for progress. */
  expectedJobs: number;
}

export type PoolReply =
  | { type: 'loaded'; index: number; loaded: LoadedRun }
  | { type: 'chunk'; index: number; file: OutputName; text: string }
  | { type: 'rows'; index: number; file: 'jobs.csv'; batch: JobRowBatch; slot: number }
  | { type: 'done'; index: number; summary: SummaryRow; services: ServiceRow[]; tenants?: RunResult['tenants']; events: number; endS: number; wallS: number; job?: JobRow | null; jobRows?: JobRow[]; hotLinks?: HotLink[] }
  | { type: 'explained'; index: number; explanation: Explanation }
  | { type: 'input-error'; index: number; issues: InputIssue[]; warnings: InputIssue[] }
  | { type: 'policy-error'; index: number; policy: string; job: string | undefined; timeS: number; message: string }
  | { type: 'run-error'; index: number; message: string }
  | { type: 'internal-error'; index: number; message: string };

/** What the pool sends a worker: a run, or the go-ahead for a loaded one. */
export type PoolMessage = { type: 'run'; request: PoolRequest } | { type: 'go'; index: number };

export type RunOutcome = Extract<PoolReply, { type: 'done' }>;

export interface PoolOptions {
  /** Worker threads (at most one per run). */
  workers: number;
  /** A single policy call that has not returned after this long stops the runs. */
  policyTimeoutS: number;
  /** Called as each run completes (in completion order), for progress reporting. */
  onDone?: (outcome: RunOutcome, done: number, total: number) => void;
  /** A run with `awaitGo` has loaded; it simulates once this returns (or its promise resolves). A throw stops the pool. */
  onLoaded?: (index: number, loaded: LoadedRun) => void | Promise<void>;
  /** A chunk of a result file of a run with `outputs`, in order. A throw stops the pool. */
  onChunk?: (index: number, file: OutputName, text: string) => void;
  /**
   * Where jobs.csv's rows go instead of onChunk, as bytes (in order with the file's other chunks):
   * a view valid only during the call (one buffer reused for every batch), so no text is made.
   */
  onBytes?: (index: number, file: OutputName, bytes: Uint8Array) => void;
  /** A request with `explain` is answered (it has no entry among the outcomes). */
  onExplained?: (index: number, explanation: Explanation) => void;
  /** Told each running simulation's progress about once a second (a progress line). */
  onProgress?: (index: number, progress: ProgressSnapshot) => void;
}

/** Run every request; resolves with the outcomes in request-index order, or rejects on the first failure. */
export function runPool(requests: readonly PoolRequest[], options: PoolOptions): Promise<RunOutcome[]> {
  const total = requests.length;
  if (total === 0) return Promise.resolve([]);
  const count = Math.max(1, Math.min(Math.floor(options.workers), total));
  // No V8 flags are changed here: '--single-threaded-gc' set at run time (it made 2 workers on
  // 2 cores 1.75x faster than one, against 1.3x) aborted the process in V8's concurrent marker
  // ("Check failed: concurrent_marking_handle_ ..."): V8 flags may only be set before it starts.
  const timeoutMs = options.policyTimeoutS * 1000;
  const pollMs = Math.max(10, Math.min(250, timeoutMs / 10));
  const outcomes = new Map<number, RunOutcome>();
  const order = requests.map((r) => r.index);

  interface Slot {
    worker: Worker;
    watch: SharedArrayBuffer;
    progress: SharedArrayBuffer;
    rowSlots: SharedArrayBuffer;
    current: PoolRequest | undefined;
    seenSeq: number;
    sinceMs: number;
    /** The current run's policies by their own names, once loaded. */
    names: { queue: string; placement: string } | undefined;
  }

  return new Promise<RunOutcome[]>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let settled = false;
    const slots: Slot[] = [];
    /** The ends of workers that are not slots (a spare that did not fit), awaited with theirs. */
    const ending: Promise<number>[] = [];
    const finish = (err: unknown): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (progressTimer) clearInterval(progressTimer);
      // Await every worker's end: a worker still tearing down while the process goes on (or exits)
      // is how V8 fatal errors happen.
      void Promise.allSettled([...slots.map((s) => s.worker.terminate()), ...ending]).then(() => {
        if (err) reject(err);
        else resolve(order.map((i) => outcomes.get(i)!));
      });
    };
    const feed = (slot: Slot): void => {
      if (settled) return;
      if (next >= total) {
        slot.current = undefined;
        return;
      }
      slot.current = requests[next++]!;
      slot.names = undefined;
      slot.worker.postMessage({ type: 'run', request: slot.current } satisfies PoolMessage, prefetchTransfer(slot.current.prefetched));
    };
    const timer = setInterval(() => {
      for (const s of slots) {
        if (!s.current) continue;
        const w = readWatch(s.watch);
        if (w.depth === 0) {
          s.seenSeq = -1;
          continue;
        }
        if (w.seq !== s.seenSeq) {
          s.seenSeq = w.seq;
          s.sinceMs = performance.now();
          continue;
        }
        if (performance.now() - s.sinceMs < timeoutMs) continue;
        const req = s.current;
        const loading = w.activity === Activity.Loading;
        const name = (o: WorkerPolicyOverride | undefined): string | undefined => o?.ref.name;
        const policy = loading
          ? [name(req.policy), name(req.placement)].filter(Boolean).join("' or '") || 'plug-in'
          : w.activity === Activity.Placement
            ? (s.names?.placement ?? name(req.placement) ?? 'placement policy')
            : (s.names?.queue ?? name(req.policy) ?? 'queue policy');
        finish(new PolicyTimeoutError(policy, w.job, w.timeS, options.policyTimeoutS, loading, w.plugin));
        return;
      }
    }, pollMs);
    timer.unref();
    const onProgress = options.onProgress;
    const progressTimer = onProgress
      ? setInterval(() => {
          for (const s of slots) if (s.current) onProgress(s.current.index, readProgress(s.progress));
        }, 1000)
      : undefined;
    progressTimer?.unref();
    // A run allowed more memory than a worker's default heap gets a heap that large.
    const heapBytes = Math.max(0, ...requests.map((r) => r.maxMemoryBytes ?? 0));
    const resourceLimits = heapBytes > getHeapStatistics().heap_size_limit ? { maxOldGenerationSizeMb: Math.ceil(heapBytes / 2 ** 20) } : undefined;
    // The worker the command started ahead (spare-worker.ts) is the first slot's, when its limits fit.
    const { taken: spare, ending: spareEnding } = takeSpareWorker(resourceLimits);
    if (spareEnding) ending.push(spareEnding);
    for (let i = 0; i < count; i++) {
      const { worker, watch, progress, rowSlots } = i === 0 && spare ? spare : startPoolWorker(resourceLimits);
      const slot: Slot = { worker, watch, progress, rowSlots, current: undefined, seenSeq: -1, sinceMs: 0, names: undefined };
      slots.push(slot);
      worker.on('message', (m: PoolReply) => {
        if (settled) return;
        try {
          switch (m.type) {
            case 'loaded':
              slot.names = { queue: m.loaded.queueName, placement: m.loaded.placementName };
              if (!slot.current?.awaitGo) break;
              void Promise.resolve(options.onLoaded?.(m.index, m.loaded)).then(
                () => !settled && worker.postMessage({ type: 'go', index: m.index } satisfies PoolMessage),
                (e: unknown) => finish(e),
              );
              break;
            case 'chunk':
              options.onChunk?.(m.index, m.file, m.text);
              break;
            case 'rows':
              // Formatted here, in order with the file's chunks: the worker goes on simulating.
              try {
                if (options.onBytes) options.onBytes(m.index, m.file, formatJobRowBatchBytes(m.batch));
                else if (options.onChunk) options.onChunk(m.index, m.file, formatJobRowBatch(m.batch));
              } finally {
                freeRowSlot(rowSlots, m.slot);
              }
              break;
            case 'done':
              outcomes.set(m.index, m);
              done++;
              options.onDone?.(m, done, total);
              if (done === total) finish(undefined);
              else feed(slot);
              break;
            case 'explained':
              options.onExplained?.(m.index, m.explanation);
              done++;
              if (done === total) finish(undefined);
              else feed(slot);
              break;
            default:
              finish(errorFromWorker(m));
          }
        } catch (e) {
          finish(e);
        }
      });
      worker.on('error', (e) => finish(e));
      worker.on('exit', (code) => finish(new WorkerExitError(code, slot.current?.index)));
    }
    for (const s of slots) feed(s);
    // A spare that failed before it was taken fails the pool as a worker of its own would have.
    if (spare?.error !== undefined) finish(spare.error);
    else if (spare?.exitCode !== undefined) finish(new WorkerExitError(spare.exitCode, slots[0]!.current?.index));
  });
}
