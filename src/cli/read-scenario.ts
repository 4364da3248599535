// Reading and resolving a scenario file in this thread (validate, explain). Apart from io.ts, which
// every command loads: this one brings in the whole scenario loader.
import { dirname } from 'node:path';
import { loadScenario, type ResolvedScenario } from '../model/load-scenario.js';
import { readInputFile, readInputPieces } from '../scenario/read-input-file.js';
import { readScenarioText } from './io.js';

export function readScenario(path: string, options: { maxMemoryBytes?: number | undefined } = {}): ResolvedScenario {
  return loadScenario(readScenarioText(path), path, { readFile: readInputFile, readPieces: readInputPieces, baseDir: dirname(path), ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}) });
}
