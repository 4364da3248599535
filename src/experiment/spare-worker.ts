// A pool worker started before its pool knows its runs. A worker's start-up (a Node environment,
// then the ~220 modules of the scenario loader and the simulator) is the largest part of a small
// run, and the command line's own (yargs, the command's module, parsing, reading the scenario) came
// before it: `poolsim run` starts one as the process starts, so the two overlap on a second core.
// The first pool that wants a worker with the default resource limits takes it; a pool that wants
// other limits ends it. Light on purpose (the CLI imports it before anything else).
import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { PoolWorkerData } from './worker-pool.js';
import { createWatchBuffer } from './policy-watch.js';
import { createProgressBuffer } from './run-progress.js';
import { createRowSlotState } from './row-slots.js';
import { startModuleWorker } from './start-worker.js';

/** A pool worker and the buffers it shares with the pool's thread. */
export interface PoolWorker extends PoolWorkerData {
  worker: Worker;
}

/** A pool worker on pool-worker.ts, with new buffers. */
export function startPoolWorker(resourceLimits?: ResourceLimits): PoolWorker {
  const data: PoolWorkerData = { watch: createWatchBuffer(), progress: createProgressBuffer(), rowSlots: createRowSlotState() };
  return { worker: startModuleWorker('pool-worker', import.meta.url, data, resourceLimits), ...data };
}

/** The spare, if started, and how it ended if it did before a pool took it (its listeners were not yet there to hear it). */
interface Spare extends PoolWorker {
  error?: unknown;
  exitCode?: number;
}

let spare: Spare | undefined;

/**
 * Start the spare worker (once). Unreferenced until a pool takes it: a command that ends without a
 * pool (a usage error, a bad option) ends as it would have, and its exit ends the worker.
 */
export function prestartPoolWorker(): void {
  if (spare) return;
  const s: Spare = startPoolWorker();
  s.worker.on('error', (e) => void (s.error ??= e));
  s.worker.on('exit', (code) => void (s.exitCode ??= code));
  s.worker.unref();
  spare = s;
}

/**
 * The spare worker, now the caller's (referenced again), if one was started and the caller wants the
 * default resource limits; `error`/`exitCode` say whether it failed or ended already. A spare that
 * does not fit is ended: the promise of its end is returned for the caller to await.
 */
export function takeSpareWorker(resourceLimits: ResourceLimits | undefined): { taken?: Spare; ending?: Promise<number> } {
  const s = spare;
  spare = undefined;
  if (!s) return {};
  if (resourceLimits) return { ending: s.worker.terminate() };
  s.worker.ref();
  return { taken: s };
}
