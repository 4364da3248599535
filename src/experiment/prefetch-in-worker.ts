// Starting the trace prefetch (trace-prefetch-worker.ts) and waiting for what it read.
import type { PrefetchedTrace } from '../scenario/traces/trace-prefetch.js';
import { startModuleWorker } from './start-worker.js';

/** Whether the scenario may name a CSV trace (a line `format: csv`, in any YAML style): else no thread is started. */
const MAY_HAVE_CSV_TRACE = /\bformat\s*:\s*['"]?csv\b/;

/** The scenario's prefetched CSV traces; none when the thread fails or ends without them (the run's worker then imports them itself). */
export function prefetchInWorker(scenarioText: string, scenarioFile: string): Promise<PrefetchedTrace[]> {
  // A run without a CSV trace (most small ones) starts no thread: a Node thread's start is ~50 ms.
  if (!MAY_HAVE_CSV_TRACE.test(scenarioText)) return Promise.resolve([]);
  return new Promise((resolve) => {
    let got: PrefetchedTrace[] = [];
    const worker = startModuleWorker('trace-prefetch-worker', import.meta.url, { scenarioText, scenarioFile });
    worker.on('message', (m: PrefetchedTrace[]) => void (got = m));
    worker.on('error', () => void (got = []));
    worker.on('exit', () => resolve(got));
  });
}
