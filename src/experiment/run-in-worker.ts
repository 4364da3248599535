// One simulation in a worker thread with a watchdog: the pool of one that `poolsim run` uses.
// Synchronous code cannot be interrupted in its own thread, so a policy call that never returns is
// detected from here (through shared memory, see policy-watch.ts) and the worker terminated; the
// main thread stays free to answer signals (Ctrl-C) and to write the result files as they stream in.
import type { Explanation } from '../model/explain.js';
import type { PolicyRef } from '../scenario/schema.js';
import type { OutputName, OutputRequest } from './output-sinks.js';
import type { ProgressSnapshot } from './run-progress.js';
import { runPool, type LoadedRun, type PoolRequest, type RunOutcome } from './worker-pool.js';

/** A policy named outside the scenario file (CLI option), with the directory its path is relative to. */
export interface WorkerPolicyOverride {
  ref: PolicyRef;
  baseDir: string;
  /** Names the option in error messages (`--policy`). */
  label: string;
  /** Named without parameters: the scenario's own policy keeps the scenario's (policy/own-params.ts). */
  bare?: boolean;
}

export { PolicyTimeoutError } from './policy-watch.js';

export interface RunOneRequest extends Omit<PoolRequest, 'index' | 'awaitGo' | 'outputs'> {
  outputs: OutputRequest;
}

export interface RunOneOptions {
  /** A single policy call that has not returned after this long stops the run. */
  policyTimeoutS: number;
  /** The scenario and policies are loaded; the simulation starts when this returns. A throw stops it. */
  onLoaded: (loaded: LoadedRun) => void | Promise<void>;
  /** The result files' text, in order. */
  onChunk: (file: OutputName, text: string) => void;
  /** jobs.csv's rows as bytes instead (PoolOptions.onBytes: a view valid only during the call). */
  onBytes?: (file: OutputName, bytes: Uint8Array) => void;
  /** The simulation's progress, about once a second. */
  onProgress?: (progress: ProgressSnapshot) => void;
}

/** Load, check, and run one scenario in a worker, streaming its result files to `onChunk`. */
export async function runOne(request: RunOneRequest, options: RunOneOptions): Promise<RunOutcome> {
  const [outcome] = await runPool([{ ...request, index: 0, awaitGo: true }], {
    workers: 1,
    policyTimeoutS: options.policyTimeoutS,
    onLoaded: (_index, loaded) => options.onLoaded(loaded),
    onChunk: (_index, file, text) => options.onChunk(file, text),
    ...(options.onBytes ? { onBytes: (_index: number, file: OutputName, bytes: Uint8Array) => options.onBytes!(file, bytes) } : {}),
    ...(options.onProgress ? { onProgress: (_index: number, p: ProgressSnapshot) => options.onProgress!(p) } : {}),
  });
  return outcome!;
}

/**
 * Load and resolve a scenario's components (plug-in modules included) in a worker under the watchdog,
 * simulating nothing: what `validate` does, so that a module that never finishes loading is stopped.
 */
export async function loadInWorker(request: Omit<RunOneRequest, 'outputs'>, options: { policyTimeoutS: number }): Promise<LoadedRun> {
  let loaded: LoadedRun | undefined;
  // Stopping the pool once the run has loaded is how a run is told not to simulate.
  const stop = new Error('loaded');
  try {
    await runPool([{ ...request, index: 0, awaitGo: true }], {
      workers: 1,
      policyTimeoutS: options.policyTimeoutS,
      onLoaded: (_index, l) => {
        loaded = l;
        throw stop;
      },
    });
  } catch (e) {
    if (e !== stop) throw e;
  }
  return loaded!;
}

/**
 * `poolsim explain` with plug-ins: the scenario and policies loaded, then the job placed and
 * explained, in a worker under the watchdog, so that a plug-in that never finishes loading or whose
 * place() never returns is stopped after policyTimeoutS as a run stops it. `onLoaded` runs between
 * the two (the caller prints the warnings); a throw there stops it.
 */
export async function explainInWorker(
  request: Omit<RunOneRequest, 'outputs'> & { explain: NonNullable<PoolRequest['explain']> },
  options: { policyTimeoutS: number; onLoaded?: (loaded: LoadedRun) => void | Promise<void> },
): Promise<Explanation> {
  let explanation: Explanation | undefined;
  await runPool([{ ...request, index: 0, awaitGo: true }], {
    workers: 1,
    policyTimeoutS: options.policyTimeoutS,
    onLoaded: (_index, loaded) => options.onLoaded?.(loaded),
    onExplained: (_index, e) => {
      explanation = e;
    },
  });
  return explanation!;
}
