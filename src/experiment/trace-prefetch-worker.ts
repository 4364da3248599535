// The thread that imports a scenario's CSV traces for `poolsim run` while the run's worker starts
// (scenario/traces/trace-prefetch.ts). A thread of its own rather than the command line's: the
// import's garbage (the trace's text, a string per number read) grows the heap of whichever thread
// makes it, and a heap is given back only when its thread ends, so here it is gone before the
// simulation's peak; the command line's thread also stays free to answer signals.
import { parentPort, workerData } from 'node:worker_threads';
import { prefetchTransfer } from '../scenario/traces/prefetch-transfer.js';
import { prefetchTraces } from '../scenario/traces/trace-prefetch.js';

const { scenarioText, scenarioFile } = workerData as { scenarioText: string; scenarioFile: string };
const prefetched = prefetchTraces(scenarioText, scenarioFile);
parentPort!.postMessage(prefetched, prefetchTransfer(prefetched));
