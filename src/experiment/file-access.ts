// File access for scenarios that name other files (traces), for code that loads scenarios
// outside the CLI's main thread (worker threads, experiment plans).
import { dirname } from 'node:path';
import type { LoadOptions } from '../model/load-scenario.js';
import { readInputFile, readInputPieces } from '../scenario/read-input-file.js';

/** Relative paths in the scenario resolve against the scenario file's folder. */
export function fileAccess(scenarioFile: string): LoadOptions {
  return { readFile: readInputFile, readPieces: readInputPieces, baseDir: dirname(scenarioFile) };
}
