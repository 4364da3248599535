// Runs one simulation in a worker thread with a watchdog, for scenarios that use plug-in policies:
// synchronous code cannot be interrupted in its own thread, so a policy call that never returns is
// detected from here (through shared memory, see policy-watch.ts) and the worker terminated.
import { startModuleWorker } from './start-worker.js';
import { errorFromWorker } from './worker-errors.js';
import type { InputIssue } from '../scenario/errors.js';
import type { PolicyRef } from '../scenario/schema.js';
import type { JobRow, SummaryRow } from '../sim/metrics.js';
import { PolicyError } from '../policy/types.js';
import { Activity, createWatchBuffer, readWatch } from './policy-watch.js';

/** A policy named outside the scenario file (CLI option), with the directory its path is relative to. */
export interface WorkerPolicyOverride {
  ref: PolicyRef;
  baseDir: string;
  /** Names the option in error messages (`--policy`). */
  label: string;
}

export interface WorkerRequest {
  scenarioText: string;
  /** As given by the user (for messages). */
  scenarioFile: string;
  /** Module paths in the scenario are relative to this. */
  scenarioDir: string;
  seed?: number;
  policy?: WorkerPolicyOverride;
  placement?: WorkerPolicyOverride;
  watch: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'loaded'; queueName: string; placementName: string }
  | { type: 'rows'; rows: JobRow[] }
  | { type: 'done'; summary: SummaryRow; events: number; endS: number }
  | { type: 'input-error'; issues: InputIssue[] }
  | { type: 'policy-error'; policy: string; job: string | undefined; timeS: number; message: string }
  | { type: 'internal-error'; message: string };

export interface WorkerRunOptions {
  /** A single policy call that has not returned after this long stops the run. */
  policyTimeoutS: number;
  onJobRow?: (row: JobRow) => void;
}

export interface WorkerRunResult {
  summary: SummaryRow;
  events: number;
  endS: number;
}

/** A policy call that did not return in time. */
export class PolicyTimeoutError extends PolicyError {
  constructor(policy: string, job: string | undefined, timeS: number, timeoutS: number, loading: boolean) {
    super(policy, job, timeS, `did not return within ${timeoutS} s`);
    this.message = loading
      ? `policy module '${policy}' did not finish loading within ${timeoutS} s`
      : `policy '${policy}' did not return within ${timeoutS} s (${job !== undefined ? `job '${job}', ` : ''}simulated time ${timeS} s)`;
    this.name = 'PolicyTimeoutError';
  }
}

export function runInWorker(request: Omit<WorkerRequest, 'watch'>, options: WorkerRunOptions): Promise<WorkerRunResult> {
  const watch = createWatchBuffer();
  const worker = startModuleWorker('sim-worker', import.meta.url, { ...request, watch });
  let names = { queue: request.policy?.ref.name ?? '?', placement: request.placement?.ref.name ?? '?' };
  const timeoutMs = options.policyTimeoutS * 1000;
  const pollMs = Math.max(10, Math.min(250, timeoutMs / 10));

  return new Promise<WorkerRunResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, result?: WorkerRunResult): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      void worker.terminate();
      if (err) reject(err);
      else resolve(result!);
    };
    let seenSeq = -1;
    let since = performance.now();
    const timer = setInterval(() => {
      const w = readWatch(watch);
      if (w.depth === 0) {
        seenSeq = -1;
        return;
      }
      if (w.seq !== seenSeq) {
        seenSeq = w.seq;
        since = performance.now();
        return;
      }
      if (performance.now() - since < timeoutMs) return;
      const loading = w.activity === Activity.Loading;
      const policy = loading ? [request.policy?.ref.name, request.placement?.ref.name].filter(Boolean).join("' or '") || 'plug-in' : w.activity === Activity.Placement ? names.placement : names.queue;
      finish(new PolicyTimeoutError(policy, w.job, w.timeS, options.policyTimeoutS, loading));
    }, pollMs);
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'loaded':
          names = { queue: m.queueName, placement: m.placementName };
          break;
        case 'rows':
          try {
            for (const row of m.rows) options.onJobRow?.(row);
          } catch (e) {
            finish(e);
          }
          break;
        case 'done':
          finish(undefined, { summary: m.summary, events: m.events, endS: m.endS });
          break;
        case 'input-error':
        case 'policy-error':
        case 'internal-error':
          finish(errorFromWorker(m));
          break;
      }
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => finish(new Error(`the simulation worker exited (code ${code}) without a result`)));
  });
}
