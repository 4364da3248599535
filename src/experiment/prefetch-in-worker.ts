// Starting the trace prefetch (trace-prefetch-worker.ts) and waiting for what it read. `poolsim run`
// starts it as the process starts (prestartTracePrefetch, beside the spare pool worker), from the
// scenario named on the command line, rather than once yargs and the command's module have loaded:
// on W2 the run's worker has its modules loaded before the import of the trace is done and waits
// for it, so every moment the import starts sooner is a moment less on the run's critical path.
import type { Worker } from 'node:worker_threads';
import type { PrefetchedTrace } from '../scenario/traces/trace-prefetch.js';
import { startModuleWorker } from './start-worker.js';

/** Whether the scenario may name a CSV trace (a line `format: csv`, in any YAML style): else no thread is started. */
const MAY_HAVE_CSV_TRACE = /\bformat\s*:\s*['"]?csv\b/;

/** A prefetch under way: its thread and what it will have read. */
interface Prefetch {
  worker: Worker;
  result: Promise<PrefetchedTrace[]>;
}

/** The prefetch started with the process (prestartTracePrefetch), until the command takes it or starts its own. */
let early: (Prefetch & { scenarioText: string; scenarioFile: string }) | undefined;

function startPrefetch(scenarioText: string, scenarioFile: string): Prefetch {
  const worker = startModuleWorker('trace-prefetch-worker', import.meta.url, { scenarioText, scenarioFile });
  const result = new Promise<PrefetchedTrace[]>((resolve) => {
    let got: PrefetchedTrace[] = [];
    worker.on('message', (m: PrefetchedTrace[]) => void (got = m));
    worker.on('error', () => void (got = []));
    worker.on('exit', () => resolve(got));
  });
  return { worker, result };
}

/**
 * Start the prefetch of the scenario `scenarioText` read from `scenarioFile` now, before the command
 * line is parsed (once). The thread is unreferenced until prefetchInWorker takes it: a command that
 * stops before (a bad option) ends as it would have. What it reads is used only for the very text
 * and file the command then reads.
 */
export function prestartTracePrefetch(scenarioText: string, scenarioFile: string): void {
  if (early || !MAY_HAVE_CSV_TRACE.test(scenarioText)) return;
  const p = startPrefetch(scenarioText, scenarioFile);
  p.worker.unref();
  early = { ...p, scenarioText, scenarioFile };
}

/** The scenario's prefetched CSV traces; none when the thread fails or ends without them (the run's worker then imports them itself). */
export function prefetchInWorker(scenarioText: string, scenarioFile: string): Promise<PrefetchedTrace[]> {
  const e = early;
  early = undefined;
  // The one started with the process, when it read what the command read: the same import.
  if (e && e.scenarioFile === scenarioFile && e.scenarioText === scenarioText) {
    e.worker.ref();
    return e.result;
  }
  if (e) void e.worker.terminate();
  // A run without a CSV trace (most small ones) starts no thread: a Node thread's start is ~50 ms.
  if (!MAY_HAVE_CSV_TRACE.test(scenarioText)) return Promise.resolve([]);
  return startPrefetch(scenarioText, scenarioFile).result;
}
