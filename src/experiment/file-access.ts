// File access for scenarios that name other files (traces), for code that loads scenarios
// outside the CLI's main thread (worker threads, experiment plans).
import { dirname } from 'node:path';
import type { LoadOptions } from '../model/load-scenario.js';
import { readInputFile, readInputPieces } from '../scenario/read-input-file.js';
import { attachPrefetch, type PrefetchedTrace } from '../scenario/traces/trace-prefetch.js';

/**
 * Relative paths in the scenario resolve against the scenario file's folder. `prefetched`: traces
 * the command line's thread imported already (trace-prefetch.ts), offered to the loader with their files.
 */
export function fileAccess(scenarioFile: string, prefetched?: PrefetchedTrace[]): LoadOptions {
  const readPieces = prefetched !== undefined && prefetched.length > 0 ? (path: string) => attachPrefetch(readInputPieces(path), path, prefetched) : readInputPieces;
  return { readFile: readInputFile, readPieces, baseDir: dirname(scenarioFile) };
}
